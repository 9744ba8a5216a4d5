// Grouped-query attention (Ainslie et al. 2023) as Llama 3 and Qwen3 use it: numHeads query heads
// share numKVHeads key/value heads (each KV head serves numHeads / numKVHeads consecutive query
// heads, as Hugging Face's repeat_kv), rotary position embeddings on queries and keys, and
// optionally Qwen3's RMSNorm of each query and key head before the rotation. headDim is its own
// setting: Qwen3-0.6B has 16 heads of 128 on a 1024-wide stream. The KV cache holds the KV heads
// only, numHeads / numKVHeads times smaller than multi-head attention's.
import { callerScope, causalSoftmax, scaledDotProductAttention, type Tensor } from '@llm/tensor';
import { checkPositive } from '../check.js';
import type { InitOptions } from '../init.js';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { RMSNorm } from '../layers/rms-norm.js';
import type { RotaryEmbedding } from '../layers/rope.js';
import { CachedAttention } from './cached.js';
import type { KVCache } from './kv-cache.js';
import type { AttentionForwardOptions } from './multi-head.js';
import { checkInput } from './options.js';

export interface GroupedQueryOptions extends InitOptions {
  /** Width of the residual stream (hidden_size). */
  dIn: number;
  numHeads: number;
  /** Key/value heads (num_key_value_heads); numHeads must be a multiple. Default numHeads. */
  numKVHeads?: number;
  /** Size of each head (head_dim); default dIn / numHeads. */
  headDim?: number;
  contextLength: number;
  /** The rotary embedding, shared by every layer of a model. */
  rope: RotaryEmbedding;
  /** Biases on the query/key/value projections (attention_bias; default false). */
  qkvBias?: boolean;
  /** Qwen3's RMSNorm over each query and key head, with this eps (default: none). */
  qkNormEps?: number;
  dropout?: number;
}

export class GroupedQueryAttention extends CachedAttention {
  readonly dIn: number;
  readonly numHeads: number;
  readonly numKVHeads: number;
  readonly headDim: number;
  readonly contextLength: number;
  wQuery: Linear; // (numHeads·headDim, dIn)
  wKey: Linear; // (numKVHeads·headDim, dIn)
  wValue: Linear;
  outProj: Linear; // (dIn, numHeads·headDim)
  qNorm: RMSNorm | null;
  kNorm: RMSNorm | null;
  dropout: Dropout;
  readonly rope: RotaryEmbedding;

  constructor(opts: GroupedQueryOptions) {
    super();
    const op = 'GroupedQueryAttention';
    this.numKVHeads = opts.numKVHeads ?? opts.numHeads;
    this.headDim = opts.headDim ?? opts.dIn / opts.numHeads;
    checkPositive(op, { dIn: opts.dIn, numHeads: opts.numHeads, numKVHeads: this.numKVHeads, headDim: this.headDim, contextLength: opts.contextLength });
    if (opts.numHeads % this.numKVHeads !== 0) throw new RangeError(`${op}: numHeads (${opts.numHeads}) must be a multiple of numKVHeads (${this.numKVHeads})`);
    if (opts.rope.headDim !== this.headDim) throw new RangeError(`${op}: the rotary embedding is for heads of ${opts.rope.headDim}, the layer's are ${this.headDim}`);
    ({ dIn: this.dIn, numHeads: this.numHeads, contextLength: this.contextLength, rope: this.rope } = opts);
    const qkv = { generator: opts.generator, init: opts.init, bias: opts.qkvBias ?? false };
    this.wQuery = new Linear(this.dIn, this.numHeads * this.headDim, qkv);
    this.wKey = new Linear(this.dIn, this.numKVHeads * this.headDim, qkv);
    this.wValue = new Linear(this.dIn, this.numKVHeads * this.headDim, qkv);
    this.outProj = new Linear(this.numHeads * this.headDim, this.dIn, { generator: opts.generator, init: opts.init, bias: false });
    this.qNorm = opts.qkNormEps === undefined ? null : new RMSNorm(this.headDim, opts.qkNormEps);
    this.kNorm = opts.qkNormEps === undefined ? null : new RMSNorm(this.headDim, opts.qkNormEps);
    this.dropout = new Dropout(opts.dropout ?? 0);
  }

  /** x (B, T, dIn) → (B, T, dIn). With useCache, x holds the tokens after the cached ones. */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    const offset = opts.useCache ? this.kvCache.length : 0;
    return this.forwardWith(x, offset, opts.useCache ? this.kvCache : null, opts.onAttentionWeights);
  }

  /**
   * The forward against a given cache (null: none), for callers that keep one cache per sequence
   * (batched decoding); x's tokens sit at positions offset, offset + 1, ...
   */
  forwardWith(x: Tensor, offset: number, cache: KVCache | null, onWeights?: (weights: Tensor) => void): Tensor {
    checkInput('GroupedQueryAttention', x, this.dIn, this.contextLength, offset);
    return this.outProj.forward(this.attend(this.wQuery.forward(x), this.wKey.forward(x), this.wValue.forward(x), offset, cache, onWeights));
  }

  /**
   * Attention over projected rows: queries (B, T, numHeads·headDim), keys and values
   * (B, T, numKVHeads·headDim) of tokens at positions offset.. → context (B, T, numHeads·headDim),
   * before outProj. Batched decoding projects many sequences' rows at once and attends per sequence.
   * onWeights sees the attention weights (B, numHeads, T, numKeys), before dropout.
   */
  attend(queryRows: Tensor, keyRows: Tensor, valueRows: Tensor, offset: number, cache: KVCache | null, onWeights?: (weights: Tensor) => void): Tensor {
    const [B, T] = queryRows.shape;
    const { numHeads: H, numKVHeads: KV, headDim: D } = this;
    const G = H / KV; // query heads per KV head
    const heads = (t: Tensor, n: number, norm: RMSNorm | null) => {
      const h = t.reshape(B, T, n, D); // (B, T, n, D)
      return this.rope.apply((norm ? norm.forward(h) : h).transpose(1, 2), offset); // (B, n, T, D)
    };
    const queries = heads(queryRows, H, this.qNorm);
    let keys = heads(keyRows, KV, this.kNorm);
    let values = valueRows.reshape(B, T, KV, D).transpose(1, 2); // (B, KV, T, D)
    if (cache) ({ keys, values } = cache.append(keys, values));
    const numKeys = keys.shape[2];
    if (!this.needsWeights(onWeights)) {
      // nothing needs the weights: one op, fused where the backend can (inference), else composed as below
      return scaledDotProductAttention(queries, keys, values, { scale: 1 / Math.sqrt(D), offset }).transpose(1, 2).reshape(B, T, H * D);
    }

    // each KV head's G query heads as one (G·T)-row matrix: no copy of the keys per query head
    const grouped = queries.reshape(B, KV, G * T, D);
    const scores = grouped.matmul(keys.transpose(2, 3)).view(B, KV, G, T, numKeys);
    // the query at offset + i sees keys up to offset + i; the fused softmax masks the rest (no mask tensor)
    const softmaxed = causalSoftmax(scores, { scale: 1 / Math.sqrt(D), offset }); // (B, KV, G, T, numKeys)
    // the caller's tensor, in the caller's scope: it outlives this forward (no history, same storage)
    if (onWeights) {
      const seen = softmaxed.view(B, H, T, numKeys);
      callerScope(() => onWeights(seen.detach()));
    }
    const weights = this.dropout.forward(softmaxed).view(B, KV, G * T, numKeys);
    return weights.matmul(values).view(B, H, T, D).transpose(1, 2).reshape(B, T, H * D); // (B, T, H·D)
  }

}
