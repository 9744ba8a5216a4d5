// The `llm` command: finds the subcommand, parses its options, runs it, and turns any failure into
// one line on stderr and an exit code (the stack only with LLM_DEBUG=1).
import pkg from '../package.json';
import { type Command, commandHelp, parseCommandArgs } from './command.js';
import { benchCommand } from './commands/bench.js';
import { chatCommand } from './commands/chat.js';
import { classifyCommand } from './commands/classify.js';
import { convertCommand } from './commands/convert.js';
import { downloadCommand } from './commands/download.js';
import { finetuneClassifyCommand, finetuneInstructCommand } from './commands/finetune.js';
import { generateCommand } from './commands/generate.js';
import { pretrainCommand } from './commands/pretrain.js';
import { serveCommand } from './commands/serve.js';
import { tokenizeCommand } from './commands/tokenize.js';
import { errorLine, exitCodeOf, UsageError } from './errors.js';
import type { CliIO } from './io.js';

interface Group {
  name: string;
  summary: string;
  subcommands: Command[];
}

const entries: (Command | Group)[] = [
  tokenizeCommand,
  pretrainCommand,
  generateCommand,
  chatCommand,
  classifyCommand,
  { name: 'finetune', summary: 'fine-tune a GPT-2 into a classifier or an instruction follower', subcommands: [finetuneClassifyCommand, finetuneInstructCommand] },
  downloadCommand,
  convertCommand,
  serveCommand,
  benchCommand,
];

const isGroup = (e: Command | Group): e is Group => 'subcommands' in e;

function topHelp(): string {
  const rows = entries.flatMap((e) => (isGroup(e) ? e.subcommands.map((s) => [s.name, s.summary]) : [[e.name, e.summary]]));
  const width = Math.max(...rows.map(([n]) => n.length)) + 3;
  return [
    `llm ${pkg.version}: build, train, fine-tune and serve a GPT-2 from scratch, in TypeScript`,
    '',
    'Usage: llm <command> [options]',
    '',
    'Commands:',
    ...rows.map(([n, s]) => `  ${n.padEnd(width)}${s}`),
    '',
    "Run 'llm <command> --help' for a command's options. Set LLM_DEBUG=1 to see stack traces.",
    '',
  ].join('\n');
}

function groupHelp(g: Group): string {
  const width = Math.max(...g.subcommands.map((s) => s.name.length)) + 3;
  return [`Usage: llm ${g.name} <${g.subcommands.map((s) => s.name.split(' ')[1]).join('|')}> [options]`, '', g.summary, '', 'Commands:',
    ...g.subcommands.map((s) => `  ${s.name.padEnd(width)}${s.summary}`), '', `Run 'llm ${g.name} <command> --help' for its options.`, ''].join('\n');
}

function unknown(what: string, name: string, known: string[], helpCmd: string): UsageError {
  const close = known.find((k) => k.startsWith(name.slice(0, 3)) || name.startsWith(k));
  return new UsageError(`unknown ${what} '${name}'${close ? ` (did you mean '${close}'?)` : ''}; run '${helpCmd}' for the list`);
}

function findCommand(argv: string[]): { cmd?: Command; group?: Group; rest: string[] } {
  const [first, ...rest] = argv;
  const entry = entries.find((e) => e.name === first);
  if (!entry) throw unknown('command', first, entries.map((e) => e.name), 'llm --help');
  if (!isGroup(entry)) return { cmd: entry, rest };
  const [sub, ...subRest] = rest;
  if (sub === undefined || sub === '--help' || sub === '-h') return { group: entry, rest };
  const cmd = entry.subcommands.find((s) => s.name === `${entry.name} ${sub}`);
  if (!cmd) throw unknown(`${entry.name} command`, sub, entry.subcommands.map((s) => s.name.split(' ')[1]), `llm ${entry.name} --help`);
  return { cmd, rest: subRest };
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let name = 'llm';
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(topHelp());
      return 0;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (argv[0].startsWith('-')) throw new UsageError(`unknown option '${argv[0]}'; a command comes first: llm <command> [options] (see: llm --help)`);
    const { cmd, group, rest } = findCommand(argv);
    if (group) {
      io.stdout.write(groupHelp(group));
      return rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' ? 0 : 2;
    }
    name = `llm ${cmd!.name}`;
    const { values, positionals } = parseCommandArgs(cmd!, rest);
    if (values.help) {
      io.stdout.write(commandHelp(cmd!));
      return 0;
    }
    return (await cmd!.run({ values, positionals, io })) ?? 0;
  } catch (e) {
    io.stderr.write(`${name}: ${errorLine(e)}\n`);
    if (io.env.LLM_DEBUG === '1' && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  }
}
