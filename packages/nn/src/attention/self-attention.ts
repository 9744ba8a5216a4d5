// Section 3.4's self-attention with trainable weights: queries, keys and values are projections of
// the inputs, and scores are scaled by √d_k. V1 holds the projection matrices as raw parameters
// (dIn, dOut), as the book first does; V2 uses Linear layers.
import { type Tensor } from '@llm/tensor';
import { checkInit, type InitOptions, uniformParameter } from '../init.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';

/** softmax(q kᵀ / √d_k) v over the last two dims; q (..., Tq, d), k and v (..., Tk, d). */
export function scaledDotProduct(queries: Tensor, keys: Tensor, values: Tensor): Tensor {
  const dK = keys.shape[keys.ndim - 1];
  const attnScores = queries.matmul(keys.transpose(-2, -1));
  const attnWeights = attnScores.mul(1 / Math.sqrt(dK)).softmax(-1);
  return attnWeights.matmul(values);
}

export class SelfAttentionV1 extends Module {
  wQuery: Tensor; // (dIn, dOut)
  wKey: Tensor;
  wValue: Tensor;

  constructor(
    readonly dIn: number,
    readonly dOut: number,
    opts: InitOptions = {},
  ) {
    super();
    checkInit('SelfAttentionV1', opts);
    // the book draws these from torch.rand: U[0, 1)
    this.wQuery = uniformParameter([dIn, dOut], 0, 1, opts);
    this.wKey = uniformParameter([dIn, dOut], 0, 1, opts);
    this.wValue = uniformParameter([dIn, dOut], 0, 1, opts);
  }

  /** x (..., T, dIn) → (..., T, dOut). */
  forward(x: Tensor): Tensor {
    return scaledDotProduct(x.matmul(this.wQuery), x.matmul(this.wKey), x.matmul(this.wValue));
  }
}

export interface SelfAttentionV2Options extends InitOptions {
  /** Biases in the query/key/value projections (default false). */
  qkvBias?: boolean;
}

export class SelfAttentionV2 extends Module {
  wQuery: Linear;
  wKey: Linear;
  wValue: Linear;

  constructor(
    readonly dIn: number,
    readonly dOut: number,
    opts: SelfAttentionV2Options = {},
  ) {
    super();
    const lin = { ...opts, bias: opts.qkvBias ?? false };
    this.wQuery = new Linear(dIn, dOut, lin);
    this.wKey = new Linear(dIn, dOut, lin);
    this.wValue = new Linear(dIn, dOut, lin);
  }

  /** x (..., T, dIn) → (..., T, dOut). */
  forward(x: Tensor): Tensor {
    return scaledDotProduct(this.wQuery.forward(x), this.wKey.forward(x), this.wValue.forward(x));
  }
}
