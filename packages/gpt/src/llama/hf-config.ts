// Hugging Face's LlamaConfig / Qwen3Config (config.json) ↔ LlamaConfig. Browser-safe. Fields that
// would change the computation and that we do not implement (another activation, sliding windows,
// other rope scalings, MLP biases) are refused by name rather than ignored.
import type { Llama3RopeScaling } from '@llm/nn';
import { ConfigError } from '../io/errors.js';
import { type LlamaConfig, validateLlamaConfig } from './config.js';

const DEFAULT_EPS = { llama: 1e-6, qwen3: 1e-6 } as const;

/** Maps a parsed config.json with model_type "llama" or "qwen3"; throws ConfigError naming the bad field. */
export function hfConfigToLlamaConfig(json: unknown): LlamaConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('(root)', 'expected a JSON object');
  const c = json as Record<string, unknown>;
  const modelType = c.model_type;
  if (modelType !== 'llama' && modelType !== 'qwen3') throw new ConfigError('model_type', `expected "llama" or "qwen3", got ${JSON.stringify(modelType)}`);
  if (c.hidden_act !== undefined && c.hidden_act !== 'silu') throw new ConfigError('hidden_act', `only "silu" (SwiGLU) is supported, got ${JSON.stringify(c.hidden_act)}`);
  if (c.mlp_bias === true) throw new ConfigError('mlp_bias', 'biases in the feed-forward are not supported');
  if (c.use_sliding_window === true) throw new ConfigError('use_sliding_window', 'sliding-window attention is not supported');
  if (c.pretraining_tp !== undefined && c.pretraining_tp !== 1) throw new ConfigError('pretraining_tp', `must be 1, got ${JSON.stringify(c.pretraining_tp)}`);
  const embDim = positiveInt(c, 'hidden_size');
  const nHeads = positiveInt(c, 'num_attention_heads');
  const headDim = c.head_dim === undefined || c.head_dim === null ? embDim / nHeads : positiveInt(c, 'head_dim');
  if (!Number.isInteger(headDim)) throw new ConfigError('num_attention_heads', `hidden_size (${embDim}) must be divisible by it when head_dim is not given`);
  const config: LlamaConfig = {
    modelType,
    vocabSize: positiveInt(c, 'vocab_size'),
    contextLength: positiveInt(c, 'max_position_embeddings'),
    embDim,
    hiddenDim: positiveInt(c, 'intermediate_size'),
    nLayers: positiveInt(c, 'num_hidden_layers'),
    nHeads,
    nKVHeads: c.num_key_value_heads === undefined || c.num_key_value_heads === null ? nHeads : positiveInt(c, 'num_key_value_heads'),
    headDim,
    ropeTheta: c.rope_theta === undefined ? 10000 : positiveNumber(c, 'rope_theta'),
    ropeScaling: ropeScaling(c.rope_scaling),
    rmsNormEps: c.rms_norm_eps === undefined ? DEFAULT_EPS[modelType] : positiveNumber(c, 'rms_norm_eps'),
    tieWeights: c.tie_word_embeddings === true,
    qkvBias: c.attention_bias === true,
  };
  const eos = c.eos_token_id;
  if (typeof eos === 'number') config.eosTokenIds = [eos];
  else if (Array.isArray(eos)) config.eosTokenIds = eos as number[];
  try {
    return validateLlamaConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.field, `${e.detail} (mapped from config.json)`);
    throw e;
  }
}

function ropeScaling(s: unknown): Llama3RopeScaling | null {
  if (s === undefined || s === null) return null;
  if (typeof s !== 'object') throw new ConfigError('rope_scaling', `expected an object or null, got ${JSON.stringify(s)}`);
  const r = s as Record<string, unknown>;
  const type = r.rope_type ?? r.type;
  if (type === 'default') return null;
  if (type !== 'llama3') throw new ConfigError('rope_scaling', `only rope_type "llama3" is supported, got ${JSON.stringify(type)}`);
  return {
    ropeType: 'llama3',
    factor: positiveNumber(r, 'factor', 'rope_scaling.'),
    lowFreqFactor: positiveNumber(r, 'low_freq_factor', 'rope_scaling.'),
    highFreqFactor: positiveNumber(r, 'high_freq_factor', 'rope_scaling.'),
    originalMaxPositionEmbeddings: positiveInt(r, 'original_max_position_embeddings', 'rope_scaling.'),
  };
}

/** The config as Hugging Face's config.json, which transformers' LlamaForCausalLM / Qwen3ForCausalLM read. */
export function llamaConfigToHFConfig(config: LlamaConfig): Record<string, unknown> {
  const c = validateLlamaConfig(config);
  const qwen = c.modelType === 'qwen3';
  const s = c.ropeScaling;
  return {
    architectures: [qwen ? 'Qwen3ForCausalLM' : 'LlamaForCausalLM'],
    model_type: c.modelType,
    vocab_size: c.vocabSize,
    max_position_embeddings: c.contextLength,
    hidden_size: c.embDim,
    intermediate_size: c.hiddenDim,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKVHeads,
    head_dim: c.headDim,
    hidden_act: 'silu',
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    rope_scaling: s ? { rope_type: 'llama3', factor: s.factor, low_freq_factor: s.lowFreqFactor, high_freq_factor: s.highFreqFactor, original_max_position_embeddings: s.originalMaxPositionEmbeddings } : null,
    attention_bias: c.qkvBias,
    ...(qwen ? { use_sliding_window: false } : { mlp_bias: false }),
    tie_word_embeddings: c.tieWeights,
    torch_dtype: 'float32',
    ...(c.eosTokenIds?.length ? { eos_token_id: c.eosTokenIds.length === 1 ? c.eosTokenIds[0] : c.eosTokenIds } : {}),
  };
}

function positiveInt(c: Record<string, unknown>, field: string, prefix = ''): number {
  const v = c[field];
  if (v === undefined) throw new ConfigError(prefix + field, 'is missing');
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new ConfigError(prefix + field, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function positiveNumber(c: Record<string, unknown>, field: string, prefix = ''): number {
  const v = c[field];
  if (typeof v !== 'number' || !(v > 0)) throw new ConfigError(prefix + field, `must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}
