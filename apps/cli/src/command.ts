// A subcommand: its options (util.parseArgs specs with a description each), its help text, and
// what it runs. Help is generated from the same specs that parse, so the two cannot drift apart.
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { suggesting } from './suggest.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help ("--steps N"); the name of the value. */
  value?: string;
  description: string;
  /** Shown in help only; defaults are applied by the command so it can tell "unset" apart. */
  defaultText?: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  values: Values;
  positionals: string[];
  io: CliIO;
}

export interface Command {
  /** 'generate', or 'finetune classify' for a nested one. */
  name: string;
  summary: string;
  /** The arguments after the name, e.g. '[options] PROMPT'. */
  args: string;
  description?: string;
  options: Record<string, OptionSpec>;
  examples?: string[];
  /** Returns the exit code (default 0). */
  run(ctx: CommandContext): Promise<number | void>;
}

/** Options every command accepts. */
export const helpOption: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export const backendOption: Record<string, OptionSpec> = {
  backend: { type: 'string', value: 'NAME', description: 'tensor backend: cpu or webgpu', defaultText: 'cpu' },
};

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: llm ${cmd.name} ${cmd.args}`.trimEnd(), '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  const entries = Object.entries({ ...cmd.options, ...helpOption });
  const left = entries.map(([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  lines.push('', 'Options:');
  entries.forEach(([, o], i) => lines.push(`  ${left[i].padEnd(width)}${o.description}${o.defaultText ? ` (default: ${o.defaultText})` : ''}`));
  if (cmd.examples?.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

// ---- typed access to option values, with errors that name the option ----

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** min is exclusive */
  above?: number;
}

export function num(values: Values, name: string, rule: NumberRule = {}): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  return parseNumber(raw, `--${name}`, rule);
}

export function parseNumber(raw: string, what: string, rule: NumberRule = {}): number {
  const n = raw.trim() === '' ? NaN : Number(raw);
  const kind = rule.integer ? 'an integer' : 'a number';
  const bounds = [
    rule.above !== undefined ? `> ${rule.above}` : rule.min !== undefined ? `>= ${rule.min}` : '',
    rule.max !== undefined ? `<= ${rule.max}` : '',
  ].filter(Boolean).join(' and ');
  const fail = () => new UsageError(`${what} must be ${kind}${bounds ? ` ${bounds}` : ''}, got '${raw}'`);
  if (!Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) throw fail();
  if ((rule.min !== undefined && n < rule.min) || (rule.above !== undefined && n <= rule.above) || (rule.max !== undefined && n > rule.max)) throw fail();
  return n;
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(values, name) ?? fallback;
  if (!allowed.includes(v as T)) throw new UsageError(suggesting(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`, v, allowed));
  return v as T;
}

/** Refuses positionals (parseCommandArgs already does so for a command whose usage line names none). */
export function noPositionals(cmd: Command, positionals: string[]): void {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (see: llm ${cmd.name} --help)`);
}
