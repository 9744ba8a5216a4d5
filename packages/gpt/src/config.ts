// The GPT-2 sizes as the book configures them, and the checks every config passes before a model
// is built. GPTConfig itself lives with the Hugging Face config mapping in io/hf-config.ts.
import { ConfigError } from './io/errors.js';
import type { GPTConfig } from './io/hf-config.js';

export type { GPTConfig };

/** The book's GPT_CONFIG_124M (chapter 4): GPT-2 small with the book's training defaults. */
export const GPT_CONFIG_124M: Readonly<GPTConfig> = Object.freeze({
  vocabSize: 50257, contextLength: 1024, embDim: 768, nHeads: 12, nLayers: 12, dropRate: 0.1, qkvBias: false,
});

const size = (embDim: number, nLayers: number, nHeads: number): Readonly<GPTConfig> => Object.freeze({ ...GPT_CONFIG_124M, embDim, nLayers, nHeads });

/** The four GPT-2 sizes (the book's model_configs), with qkvBias false as GPT_CONFIG_124M; OpenAI's weights set it true. */
export const GPT_CONFIGS = Object.freeze({
  'gpt2-small': GPT_CONFIG_124M, // 124M
  'gpt2-medium': size(1024, 24, 16), // 355M
  'gpt2-large': size(1280, 36, 20), // 774M
  'gpt2-xl': size(1600, 48, 25), // 1558M
});

export type GPTSizeName = keyof typeof GPT_CONFIGS;

const ALIASES: Record<string, GPTSizeName> = { gpt2: 'gpt2-small', '124m': 'gpt2-small', '355m': 'gpt2-medium', '774m': 'gpt2-large', '1558m': 'gpt2-xl' };

/**
 * A GPT-2 size by name ('gpt2-small' ... 'gpt2-xl', 'gpt2', or '124M' ... '1558M') with fields
 * overridden, e.g. gptConfig('124M', { contextLength: 256 }) for the book's pretraining run.
 */
export function gptConfig(name: GPTSizeName | string, overrides: Partial<GPTConfig> = {}): GPTConfig {
  const key = (ALIASES[name.toLowerCase()] ?? name.toLowerCase()) as GPTSizeName;
  const base = GPT_CONFIGS[key];
  if (!base) throw new ConfigError('name', `unknown GPT-2 size ${JSON.stringify(name)}; use one of ${[...Object.keys(GPT_CONFIGS), '124M', '355M', '774M', '1558M'].join(', ')}`);
  return validateConfig({ ...base, ...overrides });
}

/** Checks every field (positive integers, embDim divisible by nHeads, dropRate in [0, 1)); returns the config. */
export function validateConfig(config: GPTConfig): GPTConfig {
  if (typeof config !== 'object' || config === null) throw new ConfigError('(root)', 'expected a GPT config object');
  const c = config as unknown as Record<string, unknown>;
  for (const field of ['vocabSize', 'contextLength', 'embDim', 'nLayers', 'nHeads']) {
    const v = c[field];
    if (v === undefined) throw new ConfigError(field, 'is missing');
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (config.embDim % config.nHeads !== 0) {
    throw new ConfigError('nHeads', `embDim (${config.embDim}) must be divisible by nHeads (${config.nHeads})`);
  }
  if (typeof config.dropRate !== 'number' || !(config.dropRate >= 0 && config.dropRate < 1)) {
    throw new ConfigError('dropRate', `must be a number in [0, 1), got ${JSON.stringify(config.dropRate)}`);
  }
  if (typeof config.qkvBias !== 'boolean') throw new ConfigError('qkvBias', `must be true or false, got ${JSON.stringify(config.qkvBias)}`);
  return config;
}
