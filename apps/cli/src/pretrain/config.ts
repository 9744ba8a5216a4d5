// --config: a model size by name (the demo's tiny/small/124M, or a GPT-2 size), or a JSON file
// with the book's field names; single fields can be overridden from the command line.
import { readFile } from 'node:fs/promises';
import type { GPTConfig } from '@llm/gpt';
import { CliError, UsageError } from '../errors.js';
import { suggesting } from '../suggest.js';

export type ConfigOverrides = Partial<GPTConfig>;

export async function resolveConfig(spec: string, overrides: ConfigOverrides = {}): Promise<GPTConfig> {
  const { DEMO_CONFIGS } = await import('@llm/train/node');
  const { gptConfig, validateConfig, GPT_CONFIGS } = await import('@llm/gpt');
  let base: GPTConfig;
  if (Object.hasOwn(DEMO_CONFIGS, spec)) base = DEMO_CONFIGS[spec as keyof typeof DEMO_CONFIGS];
  else if (spec.endsWith('.json')) base = await readConfigFile(spec);
  else {
    try {
      base = gptConfig(spec);
    } catch {
      const names = [...Object.keys(DEMO_CONFIGS), ...Object.keys(GPT_CONFIGS)];
      throw new UsageError(suggesting(`unknown config '${spec}'`, spec, names, { otherwise: `; use one of ${names.join(', ')}, or a .json file` }));
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config = { ...base, ...defined } as GPTConfig;
  // a config file that does not fit is a failure; a size the command line changed so that it no longer fits, a usage error
  const check = (c: GPTConfig, Fault: typeof CliError | typeof UsageError) => {
    try {
      validateConfig(c);
    } catch (e) {
      throw new Fault(`${spec}: ${(e as Error).message}`);
    }
  };
  check(base, CliError);
  check(config, UsageError);
  return config;
}

async function readConfigFile(path: string): Promise<GPTConfig> {
  const text = await readFile(path, 'utf8');
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('expected an object');
    const { vocabSize = 50257, contextLength, embDim, nHeads, nLayers, dropRate = 0.1, qkvBias = false } = json;
    return { vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias } as GPTConfig;
  } catch (e) {
    throw new CliError(`${path} is not a valid config file: ${(e as Error).message}`);
  }
}
