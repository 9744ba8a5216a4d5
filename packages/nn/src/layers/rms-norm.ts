// Root-mean-square normalisation (Zhang & Sennrich 2019), as Llama and Qwen use it instead of
// LayerNorm: no mean subtracted, no shift, x / √(mean(x²) + eps) · weight. Computed in float32
// (our tensors are float32), as Hugging Face's LlamaRMSNorm upcasts to float32 before it.
import { ones, type Tensor } from '@llm/tensor';
import { checkPositive } from '../check.js';
import { Module, Parameter } from '../module.js';

export class RMSNorm extends Module {
  weight: Tensor; // (dim)

  constructor(
    readonly dim: number,
    readonly eps = 1e-6,
  ) {
    super();
    checkPositive('RMSNorm', { dim });
    if (!(eps > 0)) throw new RangeError(`RMSNorm: eps must be positive, got ${eps}`);
    this.weight = Parameter(ones([dim]));
  }

  /** x (..., dim) → same shape. */
  forward(x: Tensor): Tensor {
    const last = x.shape[x.ndim - 1];
    if (last !== this.dim) throw new Error(`RMSNorm(${this.dim}): input's last dim is ${last} (input shape [${x.shape.join(', ')}])`);
    const inverseRms = x.square().mean(-1, true).add(this.eps).rsqrt(); // (..., 1)
    return x.mul(inverseRms).mul(this.weight);
  }
}
