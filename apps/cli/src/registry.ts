// Every command the CLI has, and finding the one a command line names, with "did you mean" when
// it names none.
import type { Command } from './command.js';
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
import { UsageError } from './errors.js';
import { closest, suggesting } from './suggest.js';

/** Commands under a common first word: `llm finetune classify`. */
export interface Group {
  name: string;
  summary: string;
  subcommands: Command[];
}

export const entries: (Command | Group)[] = [
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

export const isGroup = (e: Command | Group): e is Group => 'subcommands' in e;

/** 'classify' of 'finetune classify'. */
export const lastWord = (cmd: Command) => cmd.name.split(' ').pop()!;

/** What the first words of a command line name: a command and the words after it, or a group alone. */
export type Found = { cmd: Command; group?: undefined; rest: string[] } | { cmd?: undefined; group: Group; rest: string[] };

export function findCommand(argv: string[]): Found {
  const [first, ...rest] = argv;
  const entry = entries.find((e) => e.name === first);
  if (!entry) throw unknownCommand(first);
  if (!isGroup(entry)) return { cmd: entry, rest };
  const [sub, ...subRest] = rest;
  const cmd = entry.subcommands.find((s) => lastWord(s) === sub);
  if (cmd) return { cmd, rest: subRest };
  if (sub === undefined || sub.startsWith('-')) return { group: entry, rest };
  const names = entry.subcommands.map(lastWord);
  const otherwise = `; the commands are ${names.map((n) => `'${entry.name} ${n}'`).join(' and ')}`;
  throw new UsageError(suggesting(`unknown ${entry.name} command '${sub}'`, sub, names, { otherwise }));
}

function unknownCommand(name: string): UsageError {
  const otherwise = "; run 'llm help' for the list of commands";
  const names = [...entries.map((e) => e.name), 'help'];
  if (closest(name, names) === undefined) {
    // 'llm instruct' was meant as 'llm finetune instruct'
    for (const g of entries.filter(isGroup)) {
      const sub = closest(name, g.subcommands.map(lastWord));
      if (sub) return new UsageError(`unknown command '${name}'. Did you mean '${g.name} ${sub}'?`);
    }
  }
  return new UsageError(suggesting(`unknown command '${name}'`, name, names, { otherwise }));
}
