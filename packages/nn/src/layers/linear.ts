// y = x Wᵀ + b with W stored (out, in), as torch.nn.Linear, so PyTorch state dicts load as they are.
import { linear, type Tensor } from '@llm/tensor';
import { checkInit, type InitOptions, uniformParameter } from '../init.js';
import { checkPositive } from '../check.js';
import { Module } from '../module.js';

export interface LinearOptions extends InitOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
}

export class Linear extends Module {
  weight: Tensor; // (outFeatures, inFeatures)
  bias: Tensor | null; // (outFeatures)

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    checkPositive('Linear', { inFeatures, outFeatures });
    checkInit('Linear', opts);
    // PyTorch's default: kaiming_uniform(a=√5) for W and U(±1/√fanIn) for b, both U(±1/√inFeatures)
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniformParameter([outFeatures, inFeatures], -bound, bound, opts);
    this.bias = opts.bias === false ? null : uniformParameter([outFeatures], -bound, bound, opts);
  }

  /** x (..., inFeatures) → (..., outFeatures). */
  forward(x: Tensor): Tensor {
    const inDim = x.shape[x.ndim - 1];
    if (inDim !== this.inFeatures) {
      throw new Error(`Linear(${this.inFeatures}, ${this.outFeatures}): input's last dim is ${inDim}, expected ${this.inFeatures} (input shape [${x.shape.join(', ')}])`);
    }
    // W is read in place as Wᵀ (no copy); the bias is added in the matmul's own pass where the backend can
    return linear(x, this.weight, this.bias);
  }
}
