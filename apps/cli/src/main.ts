// The `llm` command: finds the subcommand, parses its options, runs it, and turns any failure into
// one line on stderr and an exit code (the stack only with LLM_DEBUG=1). Exit codes: 0 success,
// 1 a failure, 2 a usage error (errors.ts); help.ts says so to the user.
import pkg from '../package.json';
import { type Command, commandHelp } from './command.js';
import { errorLine, exitCodeOf, UsageError } from './errors.js';
import { groupHelp, topHelp } from './help.js';
import type { CliIO } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { findCommand, lastWord } from './registry.js';
import { suggesting } from './suggest.js';

const isHelp = (word: string | undefined) => word === '--help' || word === '-h';

/** `llm help [COMMAND...]` and `llm --help [COMMAND...]`. */
function helpFor(words: string[]): string {
  if (!words.length || words[0] === 'help' || words[0].startsWith('-')) return topHelp();
  const found = findCommand(words);
  return found.group ? groupHelp(found.group) : commandHelp(found.cmd);
}

/** Whether the words before any `--` ask for help: then they are not checked, as git and cargo do. */
function asksForHelp(words: string[]): boolean {
  const end = words.indexOf('--');
  return (end < 0 ? words : words.slice(0, end)).some(isHelp);
}

async function run(cmd: Command, words: string[], io: CliIO): Promise<number> {
  if (asksForHelp(words)) {
    io.stdout.write(commandHelp(cmd));
    return 0;
  }
  const { values, positionals } = parseCommandArgs(cmd, words);
  return (await cmd.run({ values, positionals, io })) ?? 0;
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let name = 'llm';
  try {
    const [first] = argv;
    if (first === undefined) {
      // no command is a usage error, but the list of commands is the useful answer to it
      io.stderr.write(topHelp());
      return 2;
    }
    if (first === 'help' || isHelp(first)) {
      io.stdout.write(helpFor(argv.slice(1)));
      return 0;
    }
    if (first === '--version' || first === '-v' || first === '-V') {
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (first.startsWith('-')) {
      const otherwise = ': a command comes first, llm <command> [options] (see: llm --help)';
      throw new UsageError(suggesting(`unknown option '${first}'`, first.replace(/^--?/, '').split('=')[0], ['help', 'version'], { prefix: '--', otherwise }));
    }
    const found = findCommand(argv);
    if (found.group) {
      name = `llm ${found.group.name}`;
      const [word] = found.rest;
      if (isHelp(word)) {
        io.stdout.write(groupHelp(found.group));
        return 0;
      }
      if (word === undefined) {
        io.stderr.write(groupHelp(found.group));
        return 2;
      }
      const names = found.group.subcommands.map(lastWord).join(' or ');
      throw new UsageError(`expected a command (${names}) before '${word}' (see: llm help ${found.group.name})`);
    }
    name = `llm ${found.cmd.name}`;
    return await run(found.cmd, found.rest, io);
  } catch (e) {
    io.stderr.write(`${name}: ${errorLine(e)}\n`);
    if (io.env.LLM_DEBUG === '1' && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  }
}
