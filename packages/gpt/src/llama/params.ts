// Parameter counts of a Llama / Qwen3 config by formula (nothing is allocated).
import { type LlamaConfig, validateLlamaConfig } from './config.js';

export interface LlamaParameterCount {
  /** Parameters stored: the head counted once when it is tied, as the published figures count. */
  stored: number;
  /** With a separate head. */
  untied: number;
  /** The head's vocabSize × embDim. */
  outHead: number;
  /** float32 bytes of `stored`. */
  bytes: number;
}

export function countLlamaParameters(config: LlamaConfig): LlamaParameterCount {
  const { vocabSize: V, embDim: E, hiddenDim: F, nLayers: L, nHeads: H, nKVHeads: KV, headDim: D, qkvBias, modelType } = validateLlamaConfig(config);
  const attention = E * H * D + 2 * E * KV * D + H * D * E + (qkvBias ? H * D + 2 * KV * D : 0) + (modelType === 'qwen3' ? 2 * D : 0);
  const block = attention + 3 * E * F + 2 * E; // + SwiGLU + two RMSNorms
  const untied = V * E + L * block + E + V * E;
  const stored = config.tieWeights ? untied - V * E : untied;
  return { stored, untied, outHead: V * E, bytes: stored * 4 };
}
