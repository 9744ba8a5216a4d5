// Hugging Face GPT-2 config.json ↔ the book's GPT config. Browser-safe.
//
// The book has one dropRate for every dropout; GPT-2's config has three (resid_pdrop, embd_pdrop,
// attn_pdrop), all 0.1 in OpenAI's checkpoints, so dropRate is read from resid_pdrop and written to all three.

import { ConfigError } from './errors.js';

/** The book's GPT settings (camelCase of GPT_CONFIG_124M's names). */
export interface GPTConfig {
  vocabSize: number;
  contextLength: number;
  embDim: number;
  nLayers: number;
  nHeads: number;
  dropRate: number;
  qkvBias: boolean;
}

/** The fields of a Hugging Face GPT2Config that matter here (config.json has more; they pass through). */
export interface HFGPT2Config {
  model_type?: string;
  architectures?: string[];
  activation_function?: string;
  vocab_size: number;
  n_positions: number;
  n_ctx?: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner?: number | null;
  layer_norm_epsilon?: number;
  initializer_range?: number;
  resid_pdrop?: number;
  embd_pdrop?: number;
  attn_pdrop?: number;
  bos_token_id?: number;
  eos_token_id?: number;
  [field: string]: unknown;
}

/** GELU variants equal to the book's tanh approximation. */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];
const GPT2_EOS = 50256;
const LAYER_NORM_EPS = 1e-5;

/** Maps a parsed config.json to the book's config; throws ConfigError naming the bad field. */
export function hfConfigToGPTConfig(json: unknown): GPTConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError('(root)', `expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const c = json as Record<string, unknown>;
  if (c.model_type !== undefined && c.model_type !== 'gpt2') {
    throw new ConfigError('model_type', `expected "gpt2", got ${JSON.stringify(c.model_type)}`);
  }
  if (c.activation_function !== undefined && !TANH_GELU.includes(c.activation_function as string)) {
    throw new ConfigError(
      'activation_function',
      `expected one of ${TANH_GELU.join(', ')} (the tanh GELU the model uses), got ${JSON.stringify(c.activation_function)}`,
    );
  }
  const embDim = positiveInt(c, 'n_embd');
  const nHeads = positiveInt(c, 'n_head');
  if (embDim % nHeads !== 0) throw new ConfigError('n_head', `n_embd (${embDim}) must be divisible by n_head (${nHeads})`);
  if (c.n_inner !== undefined && c.n_inner !== null && c.n_inner !== 4 * embDim) {
    throw new ConfigError('n_inner', `the feed-forward width must be 4 × n_embd = ${4 * embDim}, got ${JSON.stringify(c.n_inner)}`);
  }
  if (c.layer_norm_epsilon !== undefined && c.layer_norm_epsilon !== LAYER_NORM_EPS) {
    throw new ConfigError('layer_norm_epsilon', `the model's layer norm uses ${LAYER_NORM_EPS}, got ${JSON.stringify(c.layer_norm_epsilon)}`);
  }
  const contextField = c.n_positions === undefined && c.n_ctx !== undefined ? 'n_ctx' : 'n_positions';
  const dropRate = c.resid_pdrop === undefined ? 0.1 : probability(c, 'resid_pdrop');
  for (const field of ['embd_pdrop', 'attn_pdrop']) if (c[field] !== undefined) probability(c, field);
  return {
    vocabSize: positiveInt(c, 'vocab_size'),
    contextLength: positiveInt(c, contextField),
    embDim,
    nLayers: positiveInt(c, 'n_layer'),
    nHeads,
    dropRate,
    qkvBias: true,
  };
}

/** The book's config as a Hugging Face GPT-2 config.json object. */
export function gptConfigToHFConfig(config: GPTConfig): HFGPT2Config {
  const c = config as unknown as Record<string, unknown>;
  const embDim = positiveInt(c, 'embDim');
  const nHeads = positiveInt(c, 'nHeads');
  if (embDim % nHeads !== 0) throw new ConfigError('nHeads', `embDim (${embDim}) must be divisible by nHeads (${nHeads})`);
  if (config.qkvBias !== true) {
    throw new ConfigError('qkvBias', "Hugging Face's GPT-2 always has query/key/value biases; qkvBias must be true");
  }
  const vocabSize = positiveInt(c, 'vocabSize');
  const contextLength = positiveInt(c, 'contextLength');
  const dropRate = probability(c, 'dropRate');
  // GPT-2's <|endoftext|> is 50256; a smaller vocabulary uses its last id.
  const eos = vocabSize > GPT2_EOS ? GPT2_EOS : vocabSize - 1;
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    vocab_size: vocabSize,
    n_positions: contextLength,
    n_ctx: contextLength,
    n_embd: embDim,
    n_layer: positiveInt(c, 'nLayers'),
    n_head: nHeads,
    n_inner: null,
    layer_norm_epsilon: LAYER_NORM_EPS,
    initializer_range: 0.02,
    resid_pdrop: dropRate,
    embd_pdrop: dropRate,
    attn_pdrop: dropRate,
    bos_token_id: eos,
    eos_token_id: eos,
  };
}

function positiveInt(c: Record<string, unknown>, field: string): number {
  const v = c[field];
  if (v === undefined) throw new ConfigError(field, 'is missing');
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function probability(c: Record<string, unknown>, field: string): number {
  const v = c[field];
  if (v === undefined) throw new ConfigError(field, 'is missing');
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ConfigError(field, `must be a number in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}
