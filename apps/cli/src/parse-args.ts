// A command's argv into option values and positionals. util.parseArgs splits the words; the checks
// are ours, so that each mistake gets a message in the CLI's own words (with "did you mean" for
// a mistyped option) and is a UsageError (exit code 2).
import { parseArgs } from 'node:util';
import { type Command, helpOption, type OptionSpec, type Values } from './command.js';
import { UsageError } from './errors.js';
import { suggesting } from './suggest.js';

const isNegativeNumber = (s: string) => /^-(\d|\.\d)/.test(s);

/** Whether the command's usage line names positional arguments ('FROM TO', '[TEXT...]'). */
export function takesPositionals(cmd: Command): boolean {
  return /[A-Z]/.test(cmd.args.replace('[options]', ''));
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: Values; positionals: string[] } {
  const specs: Record<string, OptionSpec> = { ...cmd.options, ...helpOption };
  const options = Object.fromEntries(
    // parseArgs refuses keys that are present but undefined
    Object.entries(specs).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
  // strict: false so that parseArgs hands every word back as a token and we judge them here
  const { values, positionals, tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const see = ` (see: llm ${cmd.name} --help)`;
  const longNames = Object.keys(specs);
  for (const token of tokens) {
    if (token.kind === 'option-terminator') break;
    if (token.kind === 'positional') {
      if (!takesPositionals(cmd)) throw new UsageError(`unexpected argument '${token.value}': llm ${cmd.name} takes only options${see}`);
      continue;
    }
    const word = argv[token.index];
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) {
      // '-json' is parsed as -j -s -o -n: suggest from the whole word
      const typed = token.rawName.startsWith('--') ? token.rawName : word.split('=')[0];
      throw new UsageError(suggesting(`unknown option '${typed}'`, typed.replace(/^--?/, ''), longNames, { prefix: '--', otherwise: see }));
    }
    // '-temperature' reads as -t with the value 'emperature'; it was meant as --temperature
    const asLong = word.slice(1).split('=')[0];
    if (!token.rawName.startsWith('--') && !word.startsWith('--') && asLong.length > 1 && Object.hasOwn(specs, asLong)) {
      throw new UsageError(`unknown option '${word.split('=')[0]}'. Did you mean '--${asLong}'?`);
    }
    const shown = spec.value ? `${token.rawName} ${spec.value}` : token.rawName;
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option '${token.rawName}' takes no value, got '${word}'${see}`);
    } else if (token.value === undefined) {
      throw new UsageError(`option '${token.rawName}' needs a value: ${shown}${see}`);
    } else if (!token.inlineValue && token.value.startsWith('-') && token.value !== '-' && !isNegativeNumber(token.value)) {
      throw new UsageError(`option '${token.rawName}' needs a value (${shown}), got the option '${token.value}' after it; write ${token.rawName}=${token.value} if that is the value`);
    }
  }
  return { values: values as Values, positionals };
}
