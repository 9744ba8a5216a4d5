// Llama 3 / Qwen3 settings (camelCase of Hugging Face's config.json names), the published sizes,
// and the checks every config passes before a model is built. SmolLM2 is the Llama architecture.
import { checkRopeScaling, type Llama3RopeScaling } from '@llm/nn';
import { ConfigError } from '../io/errors.js';

export type LlamaModelType = 'llama' | 'qwen3';

export interface LlamaConfig {
  /** 'llama' (Llama 3.x, SmolLM2) or 'qwen3' (adds an RMSNorm on each query and key head). */
  modelType: LlamaModelType;
  vocabSize: number;
  /** max_position_embeddings. */
  contextLength: number;
  /** hidden_size: the residual stream's width. */
  embDim: number;
  /** intermediate_size: the SwiGLU's width. */
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  /** num_key_value_heads (grouped-query attention); nHeads must be a multiple. */
  nKVHeads: number;
  /** head_dim; Qwen3's is not embDim / nHeads. */
  headDim: number;
  ropeTheta: number;
  ropeScaling: Llama3RopeScaling | null;
  rmsNormEps: number;
  /** tie_word_embeddings: the head is the token embedding. */
  tieWeights: boolean;
  /** attention_bias: biases on the query/key/value projections. */
  qkvBias: boolean;
  /** Token ids that end a generation (config.json's eos_token_id), if known. */
  eosTokenIds?: number[];
}

type Sized = Omit<LlamaConfig, 'modelType' | 'qkvBias' | 'ropeScaling' | 'eosTokenIds'> & Partial<LlamaConfig>;
const llama = (c: Sized): Readonly<LlamaConfig> => Object.freeze({ modelType: 'llama', qkvBias: false, ropeScaling: null, ...c });
const qwen3 = (c: Omit<Sized, 'vocabSize' | 'ropeTheta' | 'rmsNormEps' | 'contextLength'>): Readonly<LlamaConfig> =>
  llama({ modelType: 'qwen3', vocabSize: 151936, contextLength: 40960, ropeTheta: 1000000, rmsNormEps: 1e-6, eosTokenIds: [151645], ...c });
const smollm2 = (embDim: number, hiddenDim: number, nLayers: number, nHeads: number, nKVHeads: number): Readonly<LlamaConfig> =>
  llama({ vocabSize: 49152, contextLength: 8192, embDim, hiddenDim, nLayers, nHeads, nKVHeads, headDim: embDim / nHeads, ropeTheta: 100000, rmsNormEps: 1e-5, tieWeights: true, eosTokenIds: [2] });
const LLAMA_32_ROPE: Llama3RopeScaling = Object.freeze({ ropeType: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
const llama32 = (embDim: number, nLayers: number, nHeads: number): Readonly<LlamaConfig> =>
  llama({ vocabSize: 128256, contextLength: 131072, embDim, hiddenDim: 8192, nLayers, nHeads, nKVHeads: 8, headDim: embDim / nHeads, ropeTheta: 500000, ropeScaling: LLAMA_32_ROPE, rmsNormEps: 1e-5, tieWeights: true, eosTokenIds: [128001, 128008, 128009] });

/** The published configs (the instruct versions share them), by Hugging Face repo name in lower case. */
export const LLAMA_CONFIGS = Object.freeze({
  'smollm2-135m': smollm2(576, 1536, 30, 9, 3), // 134,515,008 parameters
  'smollm2-360m': smollm2(960, 2560, 32, 15, 5), // 361,821,120
  'smollm2-1.7b': llama({ ...smollm2(2048, 8192, 24, 32, 32), ropeTheta: 130000 }), // 1,711,376,384
  'llama-3.2-1b': llama32(2048, 16, 32), // 1,235,814,400
  'llama-3.2-3b': llama32(3072, 28, 24), // 3,212,749,824
  'qwen3-0.6b': qwen3({ embDim: 1024, hiddenDim: 3072, nLayers: 28, nHeads: 16, nKVHeads: 8, headDim: 128, tieWeights: true }), // 596,049,920
  'qwen3-1.7b': qwen3({ embDim: 2048, hiddenDim: 6144, nLayers: 28, nHeads: 16, nKVHeads: 8, headDim: 128, tieWeights: true }), // 1,720,574,976
});

export type LlamaSizeName = keyof typeof LLAMA_CONFIGS;

/** A published size by name ('smollm2-135m', 'qwen3-0.6b', 'llama-3.2-1b', ...; case and an "-Instruct" suffix do not matter) with fields overridden. */
export function llamaConfig(name: string, overrides: Partial<LlamaConfig> = {}): LlamaConfig {
  const key = name.toLowerCase().replace(/^.*\//, '').replace(/-instruct$/, '') as LlamaSizeName;
  const base = LLAMA_CONFIGS[key];
  if (!base) throw new ConfigError('name', `unknown Llama/Qwen3 size ${JSON.stringify(name)}; use one of ${Object.keys(LLAMA_CONFIGS).join(', ')}`);
  return validateLlamaConfig({ ...base, ...overrides });
}

export function isLlamaConfig(c: unknown): c is LlamaConfig {
  const t = (c as { modelType?: unknown } | null)?.modelType;
  return t === 'llama' || t === 'qwen3';
}

/** Checks every field; returns the config. */
export function validateLlamaConfig(config: LlamaConfig): LlamaConfig {
  if (typeof config !== 'object' || config === null) throw new ConfigError('(root)', 'expected a Llama config object');
  const c = config as unknown as Record<string, unknown>;
  if (c.modelType !== 'llama' && c.modelType !== 'qwen3') throw new ConfigError('modelType', `must be "llama" or "qwen3", got ${JSON.stringify(c.modelType)}`);
  for (const field of ['vocabSize', 'contextLength', 'embDim', 'hiddenDim', 'nLayers', 'nHeads', 'nKVHeads', 'headDim']) {
    const v = c[field];
    if (v === undefined) throw new ConfigError(field, 'is missing');
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (config.nHeads % config.nKVHeads !== 0) throw new ConfigError('nKVHeads', `nHeads (${config.nHeads}) must be a multiple of nKVHeads (${config.nKVHeads})`);
  if (config.headDim % 2 !== 0) throw new ConfigError('headDim', `must be even (rotary embeddings rotate pairs), got ${config.headDim}`);
  for (const field of ['ropeTheta', 'rmsNormEps']) {
    if (typeof c[field] !== 'number' || !((c[field] as number) > 0)) throw new ConfigError(field, `must be a positive number, got ${JSON.stringify(c[field])}`);
  }
  for (const field of ['tieWeights', 'qkvBias']) {
    if (typeof c[field] !== 'boolean') throw new ConfigError(field, `must be true or false, got ${JSON.stringify(c[field])}`);
  }
  if (config.ropeScaling !== null) {
    try {
      checkRopeScaling('ropeScaling', config.ropeScaling);
    } catch (e) {
      throw new ConfigError('ropeScaling', (e as Error).message);
    }
  }
  if (config.eosTokenIds !== undefined && !(Array.isArray(config.eosTokenIds) && config.eosTokenIds.every((id) => Number.isSafeInteger(id) && id >= 0))) {
    throw new ConfigError('eosTokenIds', `must be a list of token ids, got ${JSON.stringify(config.eosTokenIds)}`);
  }
  return config;
}
