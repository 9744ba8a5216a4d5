// The help texts above the commands' own (command.ts makes those from their option specs): the
// list of commands with the rules every command keeps, and a group's list.
import pkg from '../package.json';
import { entries, type Group, isGroup, lastWord } from './registry.js';

/** What the exit codes mean; in `llm --help` and the README. */
export const EXIT_CODES = [
  '  0  success',
  '  1  the command failed: a missing or corrupt file, a model that is not there, a network or training error',
  '  2  the command line is wrong: an unknown command or option, a bad or missing value, options that do not go together',
];

const table = (rows: string[][]) => {
  const width = Math.max(...rows.map(([n]) => n.length)) + 3;
  return rows.map(([n, s]) => `  ${n.padEnd(width)}${s}`);
};

export function topHelp(): string {
  const rows = entries.flatMap((e) => (isGroup(e) ? e.subcommands.map((s) => [s.name, s.summary]) : [[e.name, e.summary]]));
  return [
    `llm ${pkg.version}: build, train, fine-tune and serve a GPT-2 from scratch, in TypeScript`,
    '',
    'Usage: llm <command> [options]',
    '       llm help <command>     a command\'s options (as llm <command> --help)',
    '       llm --version',
    '',
    'Commands:',
    ...table([...rows, ['help [COMMAND]', "this list, or a command's options"]]),
    '',
    'Results go to stdout; progress bars, log lines and errors go to stderr, so `llm generate ... > out.txt` keeps',
    'only the text. An error is one line on stderr (set LLM_DEBUG=1 to add the stack trace).',
    '',
    'Exit codes:',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

export function groupHelp(g: Group): string {
  return [
    `Usage: llm ${g.name} <${g.subcommands.map(lastWord).join('|')}> [options]`,
    '',
    g.summary,
    '',
    'Commands:',
    ...table(g.subcommands.map((s) => [s.name, s.summary])),
    '',
    `Run 'llm help ${g.name} <command>' for its options.`,
    '',
  ].join('\n');
}
