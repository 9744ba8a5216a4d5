// The options generate and chat share: which model, how many tokens, how to sample.
import { backendOption, num, type OptionSpec, type Values } from './command.js';
import { DEFAULT_MODEL } from './models.js';

export const modelOption: Record<string, OptionSpec> = {
  model: { type: 'string', short: 'm', value: 'DIR|NAME', description: "a model folder or .safetensors file, or a GPT-2 name from 'llm download'", defaultText: DEFAULT_MODEL },
};

export const samplingOptions: Record<string, OptionSpec> = {
  'max-tokens': { type: 'string', short: 'n', value: 'N', description: 'new tokens at most', defaultText: '50' },
  temperature: { type: 'string', short: 't', value: 'T', description: '0 picks the likeliest token; higher is more random', defaultText: '0.8' },
  'top-k': { type: 'string', value: 'K', description: 'sample from the K likeliest tokens only (0: all)', defaultText: '50' },
  'top-p': { type: 'string', value: 'P', description: 'sample from the likeliest tokens that make up P of the probability', defaultText: '1' },
  seed: { type: 'string', value: 'N', description: 'random seed, for repeatable samples' },
  ...backendOption,
};

export interface Sampling {
  maxTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export function samplingFrom(values: Values, defaults: { maxTokens: number }): Sampling {
  const topK = num(values, 'top-k', { integer: true, min: 0 }) ?? 50;
  const topP = num(values, 'top-p', { above: 0, max: 1 }) ?? 1;
  return {
    maxTokens: num(values, 'max-tokens', { integer: true, min: 1 }) ?? defaults.maxTokens,
    temperature: num(values, 'temperature', { min: 0 }) ?? 0.8,
    topK: topK === 0 ? undefined : topK,
    topP: topP === 1 ? undefined : topP,
    seed: num(values, 'seed', { integer: true, min: 0 }),
  };
}
