// Section 3.5's causal attention: self-attention where each token sees only itself and earlier
// tokens (the future is masked with -∞ before the softmax), with dropout on the attention weights.
import type { Tensor } from '@llm/tensor';
import { Dropout } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { holdCausalMask } from './causal-mask.js';
import { type AttentionOptions, checkAttention, checkInput } from './options.js';

export class CausalAttention extends Module {
  readonly dIn: number;
  readonly dOut: number;
  readonly contextLength: number;
  wQuery: Linear;
  wKey: Linear;
  wValue: Linear;
  dropout: Dropout;
  /** This layer's hold on the shared (contextLength, contextLength) mask, taken at the first forward. */
  #mask: ReturnType<typeof holdCausalMask> | undefined;

  constructor(opts: AttentionOptions) {
    super();
    checkAttention('CausalAttention', opts);
    ({ dIn: this.dIn, dOut: this.dOut, contextLength: this.contextLength } = opts);
    const lin = { ...opts, bias: opts.qkvBias ?? false };
    this.wQuery = new Linear(this.dIn, this.dOut, lin);
    this.wKey = new Linear(this.dIn, this.dOut, lin);
    this.wValue = new Linear(this.dIn, this.dOut, lin);
    this.dropout = new Dropout(opts.dropout ?? 0);
  }

  /** x (B, T, dIn) → (B, T, dOut). */
  forward(x: Tensor): Tensor {
    checkInput('CausalAttention', x, this.dIn, this.contextLength);
    const T = x.shape[1];
    const keys = this.wKey.forward(x); // (B, T, dOut)
    const queries = this.wQuery.forward(x);
    const values = this.wValue.forward(x);
    if (this.#mask?.mask.backend !== x.backend) {
      this.#mask?.release();
      this.#mask = holdCausalMask(x.backend, this.contextLength);
    }
    const mask = this.#mask.mask.narrow(0, 0, T).narrow(1, 0, T); // (T, T), a view
    const attnScores = queries.matmul(keys.transpose(1, 2)).maskedFill(mask, -Infinity); // (B, T, T)
    const attnWeights = this.dropout.forward(attnScores.mul(1 / Math.sqrt(this.dOut)).softmax(-1));
    return attnWeights.matmul(values);
  }

  /** Also lets go of the causal mask (the last layer holding it frees it). */
  override dispose(): void {
    this.#mask?.release();
    this.#mask = undefined;
    super.dispose();
  }
}
