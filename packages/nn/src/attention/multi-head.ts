// Section 3.6.2's efficient multi-head attention: one projection for all heads, split into
// (B, H, T, headDim), causal scaled dot-product attention per head, heads merged and projected
// by outProj. With useCache the keys and values of earlier calls are kept (a KV cache), so
// generation feeds only the new token each step.
import type { Tensor } from '@llm/tensor';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { causalMask } from './causal-mask.js';
import { KVCache } from './kv-cache.js';
import { checkAttention, checkInput, type MultiHeadOptions, numHeadsOf } from './options.js';

export interface AttentionForwardOptions {
  /** Attend to (and add to) the keys and values cached by earlier calls. */
  useCache?: boolean;
}

export class MultiHeadAttention extends Module {
  readonly dIn: number;
  readonly dOut: number;
  readonly contextLength: number;
  readonly numHeads: number;
  readonly headDim: number;
  wQuery: Linear;
  wKey: Linear;
  wValue: Linear;
  outProj: Linear;
  dropout: Dropout;
  #cache: KVCache;

  constructor(opts: MultiHeadOptions) {
    super();
    checkAttention('MultiHeadAttention', opts);
    ({ dIn: this.dIn, dOut: this.dOut, contextLength: this.contextLength } = opts);
    this.numHeads = numHeadsOf('MultiHeadAttention', opts);
    if (this.dOut % this.numHeads !== 0) {
      throw new RangeError(`MultiHeadAttention: dOut (${this.dOut}) must be divisible by numHeads (${this.numHeads})`);
    }
    this.headDim = this.dOut / this.numHeads;
    const lin = { ...opts, bias: opts.qkvBias ?? false };
    this.wQuery = new Linear(this.dIn, this.dOut, lin);
    this.wKey = new Linear(this.dIn, this.dOut, lin);
    this.wValue = new Linear(this.dIn, this.dOut, lin);
    this.outProj = new Linear(this.dOut, this.dOut, opts);
    this.dropout = new Dropout(opts.dropout ?? 0);
    this.#cache = new KVCache(this.contextLength);
  }

  /** Tokens in the KV cache. */
  get cacheLength(): number {
    return this.#cache.length;
  }

  resetCache(): void {
    this.#cache.reset();
  }

  /** x (B, T, dIn) → (B, T, dOut). With useCache, x holds the tokens after the cached ones. */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    const offset = opts.useCache ? this.#cache.length : 0;
    checkInput('MultiHeadAttention', x, this.dIn, this.contextLength, offset);
    const [B, T] = x.shape;
    const heads = (t: Tensor) => t.view(B, T, this.numHeads, this.headDim).transpose(1, 2); // (B, H, T, headDim)
    const queries = heads(this.wQuery.forward(x));
    let keys = heads(this.wKey.forward(x));
    let values = heads(this.wValue.forward(x));
    if (opts.useCache) ({ keys, values } = this.#cache.append(keys, values));
    return this.outProj.forward(this.attend(queries, keys, values, offset));
  }

  /**
   * Causal attention of queries (B, H, T, headDim) at positions offset.. against keys and values
   * (B, H, numKeys, headDim) → context (B, T, dOut), before outProj. Batched decoding calls it once
   * per sequence, each against its own cache.
   */
  attend(queries: Tensor, keys: Tensor, values: Tensor, offset: number): Tensor {
    const [B, , T] = queries.shape;
    const numKeys = keys.shape[2];
    let attnScores = queries.matmul(keys.transpose(2, 3)); // (B, H, T, numKeys)
    // a single query is the newest token: it may see every key
    if (T > 1) attnScores = attnScores.maskedFill(causalMask(queries.backend, this.contextLength, T, numKeys, offset), -Infinity);
    const attnWeights = this.dropout.forward(attnScores.mul(1 / Math.sqrt(this.headDim)).softmax(-1));
    return attnWeights.matmul(values).transpose(1, 2).reshape(B, T, this.dOut); // (B, T, dOut)
  }

  override dispose(): void {
    this.#cache.reset();
    super.dispose();
  }
}
