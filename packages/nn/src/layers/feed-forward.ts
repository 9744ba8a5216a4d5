// The transformer's position-wise feed-forward network: expand to 4 × embDim, GELU, project back.
import type { Tensor } from '@llm/tensor';
import { Sequential } from '../containers.js';
import type { InitOptions } from '../init.js';
import { Module, type UnaryModule } from '../module.js';
import { GELU } from './activation.js';
import { Linear } from './linear.js';

export class FeedForward extends Module {
  /** [Linear(embDim, 4·embDim), GELU, Linear(4·embDim, embDim)] → keys layers.0.* and layers.2.* */
  layers: Sequential<UnaryModule>;

  constructor(cfg: { embDim: number }, opts: InitOptions = {}) {
    super();
    const { embDim } = cfg;
    this.layers = new Sequential<UnaryModule>(new Linear(embDim, 4 * embDim, opts), new GELU(), new Linear(4 * embDim, embDim, opts));
  }

  /** x (..., embDim) → same shape. */
  forward(x: Tensor): Tensor {
    return this.layers.forward(x);
  }
}
