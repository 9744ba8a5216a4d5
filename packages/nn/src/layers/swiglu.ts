// The gated feed-forward of Llama and Qwen (Shazeer 2020, "GLU Variants"): down(silu(gate(x)) · up(x)),
// three bias-free projections where GPT-2 has two. SiLU (swish) is x·σ(x), composed from sigmoid
// so autograd differentiates it.
import type { Tensor } from '@llm/tensor';
import { checkPositive } from '../check.js';
import type { InitOptions } from '../init.js';
import { Module } from '../module.js';
import { Linear } from './linear.js';

/** x·σ(x). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

export interface SwiGLUOptions extends InitOptions {
  embDim: number;
  /** Width of the gated layer (Hugging Face's intermediate_size). */
  hiddenDim: number;
  /** Biases on the three projections (Llama's mlp_bias, default false). */
  bias?: boolean;
}

export class SwiGLUFeedForward extends Module {
  gate: Linear; // (hiddenDim, embDim)
  up: Linear; // (hiddenDim, embDim)
  down: Linear; // (embDim, hiddenDim)

  constructor(opts: SwiGLUOptions) {
    super();
    checkPositive('SwiGLUFeedForward', { embDim: opts.embDim, hiddenDim: opts.hiddenDim });
    const lin = { generator: opts.generator, init: opts.init, bias: opts.bias ?? false };
    this.gate = new Linear(opts.embDim, opts.hiddenDim, lin);
    this.up = new Linear(opts.embDim, opts.hiddenDim, lin);
    this.down = new Linear(opts.hiddenDim, opts.embDim, lin);
  }

  /** x (..., embDim) → same shape. */
  forward(x: Tensor): Tensor {
    return this.down.forward(silu(this.gate.forward(x)).mul(this.up.forward(x)));
  }
}
