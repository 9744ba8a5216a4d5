// Parameter and memory counts (section 4.6), by formula from a config or by counting a model.
import type { GPTConfig } from './io/hf-config.js';
import { validateConfig } from './config.js';
import type { GPTModel } from './model/gpt-model.js';

export interface ParameterCount {
  /** All parameters with a separate output head (the book's 163,009,536 for 124M). */
  total: number;
  /** With the head sharing the token embedding, as GPT-2 (the book's 124,412,160). */
  tied: number;
  /** The output head's share of total (vocabSize × embDim). */
  outHead: number;
  /** Parameters actually stored: total, or tied when the model's head is tied. */
  stored: number;
  /** float32 bytes of `total`, and the same in MiB (the book's 621.83 MB). */
  bytes: number;
  megabytes: number;
  /** float32 MiB of `stored`. */
  storedMegabytes: number;
}

const MiB = 1024 * 1024;

/** Counts by formula (no model is built) for a config, or by summing a model's tensors. */
export function countParameters(configOrModel: GPTConfig | GPTModel): ParameterCount {
  if ('stateDict' in configOrModel) {
    const model = configOrModel;
    const stored = model.numParameters();
    const outHead = model.outHead.numParameters();
    return summary(model.weightsTied ? stored + outHead : stored, outHead, stored);
  }
  const { vocabSize: V, contextLength: C, embDim: E, nLayers: L, qkvBias } = validateConfig(configOrModel);
  const attention = 3 * E * E + (qkvBias ? 3 * E : 0) + E * E + E; // W_query, W_key, W_value, out_proj
  const feedForward = E * 4 * E + 4 * E + 4 * E * E + E;
  const norms = 2 * 2 * E;
  const total = V * E + C * E + L * (attention + feedForward + norms) + 2 * E + V * E;
  return summary(total, V * E, total);
}

function summary(total: number, outHead: number, stored: number): ParameterCount {
  return {
    total, tied: total - outHead, outHead, stored,
    bytes: total * 4, megabytes: (total * 4) / MiB, storedMegabytes: (stored * 4) / MiB,
  };
}
