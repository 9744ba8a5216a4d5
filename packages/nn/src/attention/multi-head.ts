// Section 3.6.2's efficient multi-head attention: one projection for all heads, split into
// (B, H, T, headDim), causal scaled dot-product attention per head, heads merged and projected
// by outProj. With useCache the keys and values of earlier calls are kept (a KV cache), so
// generation feeds only the new token each step.
import { callerScope, causalSoftmax, scaledDotProductAttention, type Tensor } from '@llm/tensor';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { CachedAttention } from './cached.js';
import { checkAttention, checkInput, type MultiHeadOptions, numHeadsOf } from './options.js';

export interface AttentionForwardOptions {
  /** Attend to (and add to) the keys and values cached by earlier calls. */
  useCache?: boolean;
  /**
   * Called with the attention weights softmax(mask(QKᵀ)/√headDim), (B, H, T, numKeys), before
   * dropout: what an attention view draws. The tensor (no history) is the caller's: it joins the
   * caller's tidy scope, or the caller disposes it.
   */
  onAttentionWeights?: (weights: Tensor) => void;
}

export class MultiHeadAttention extends CachedAttention {
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
  }

  /** x (B, T, dIn) → (B, T, dOut). With useCache, x holds the tokens after the cached ones. */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    const offset = opts.useCache ? this.kvCache.length : 0;
    checkInput('MultiHeadAttention', x, this.dIn, this.contextLength, offset);
    const [B, T] = x.shape;
    const heads = (t: Tensor) => t.view(B, T, this.numHeads, this.headDim).transpose(1, 2); // (B, H, T, headDim)
    const queries = heads(this.wQuery.forward(x));
    let keys = heads(this.wKey.forward(x));
    let values = heads(this.wValue.forward(x));
    if (opts.useCache) ({ keys, values } = this.kvCache.append(keys, values));
    return this.outProj.forward(this.attend(queries, keys, values, offset, opts.onAttentionWeights));
  }

  /**
   * Causal attention of queries (B, H, T, headDim) at positions offset.. against keys and values
   * (B, H, numKeys, headDim) → context (B, T, dOut), before outProj. Batched decoding calls it once
   * per sequence, each against its own cache. onWeights sees the weights as forward's option says.
   */
  attend(queries: Tensor, keys: Tensor, values: Tensor, offset: number, onWeights?: (weights: Tensor) => void): Tensor {
    const [B, , T] = queries.shape;
    const numKeys = keys.shape[2];
    // query i (at position offset + i) sees keys [0, offset + i]; a single query is the newest
    // token and sees every key. The mask is applied inside the kernels: no (T, numKeys) mask.
    const scale = 1 / Math.sqrt(this.headDim), causalOffset = T > 1 ? offset : numKeys - 1;
    if (!this.needsWeights(onWeights)) {
      // nothing needs the weights: one op, fused where the backend can (inference), else composed
      return scaledDotProductAttention(queries, keys, values, { scale, offset: causalOffset }).transpose(1, 2).reshape(B, T, this.dOut);
    }
    const attnScores = queries.matmul(keys.transpose(2, 3)); // (B, H, T, numKeys)
    const weights = causalSoftmax(attnScores, { scale, offset: causalOffset });
    // the caller's tensor, in the caller's scope: it outlives this forward (no history, same storage)
    if (onWeights) callerScope(() => onWeights(weights.detach()));
    const attnWeights = this.dropout.forward(weights);
    return attnWeights.matmul(values).transpose(1, 2).reshape(B, T, this.dOut); // (B, T, dOut)
  }

}
