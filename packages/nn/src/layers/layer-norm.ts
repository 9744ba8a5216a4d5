// The book's LayerNorm: normalise over the last dim with the biased variance, then a learned
// scale and shift (ones and zeros at the start).
import { layerNorm, ones, type Tensor, zeros } from '@llm/tensor';
import { Module, Parameter } from '../module.js';
import { checkPositive } from '../check.js';

export class LayerNorm extends Module {
  scale: Tensor; // (embDim)
  shift: Tensor; // (embDim)

  constructor(
    readonly embDim: number,
    readonly eps = 1e-5,
  ) {
    super();
    checkPositive('LayerNorm', { embDim });
    this.scale = Parameter(ones([embDim]));
    this.shift = Parameter(zeros([embDim]));
  }

  /** x (..., embDim) → same shape. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.scale, this.shift, this.eps);
  }
}
