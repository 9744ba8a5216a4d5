// Appendix E's low-rank adaptation: a frozen Linear plus a trainable update x·A·B·alpha, where A
// is (inDim, rank) and B (rank, outDim). B starts at zero, so the adapted layer starts out
// exactly equal to the original one.
//
// Scaling: the book multiplies by alpha (not alpha / rank as the LoRA paper and PEFT do); we
// follow the book, so rank 16 with alpha 16 here is the book's setting.
import { Linear, Module, Parameter } from '@llm/nn';
import { defaultGenerator, type Generator, noGrad, rand, type Tensor, tidy, zeros } from '@llm/tensor';

export interface LoRAOptions {
  /** Draws A (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
}

function checkLoRA(op: string, rank: number, alpha: number): void {
  if (!(Number.isInteger(rank) && rank > 0)) throw new RangeError(`${op}: rank must be a positive integer, got ${rank}`);
  if (!Number.isFinite(alpha)) throw new RangeError(`${op}: alpha must be a finite number, got ${alpha}`);
}

export class LoRALayer extends Module {
  A: Tensor; // (inDim, rank)
  B: Tensor; // (rank, outDim)

  constructor(readonly inDim: number, readonly outDim: number, readonly rank: number, readonly alpha: number, opts: LoRAOptions = {}) {
    super();
    checkLoRA('LoRALayer', rank, alpha);
    // torch.nn.init.kaiming_uniform_(A, a=√5): fan_in is A.size(1) = rank, so the bound is
    // gain·√(3 / fan_in) with gain √(2 / (1 + 5)), which is 1/√rank
    const bound = 1 / Math.sqrt(rank);
    this.A = Parameter(rand([inDim, rank], { low: -bound, high: bound, generator: opts.generator ?? defaultGenerator }));
    this.B = Parameter(zeros([rank, outDim]));
  }

  /** x (..., inDim) → alpha · x A B (..., outDim). */
  forward(x: Tensor): Tensor {
    return x.matmul(this.A).matmul(this.B).mul(this.alpha);
  }

  /** The update it makes to a Linear's weight (outDim, inDim): alpha · (A B)ᵀ. */
  deltaWeight(): Tensor {
    return this.A.matmul(this.B).mul(this.alpha).T;
  }
}

export class LinearWithLoRA extends Module {
  linear: Linear;
  lora: LoRALayer;

  constructor(linear: Linear, rank: number, alpha: number, opts: LoRAOptions = {}) {
    super();
    checkLoRA('LinearWithLoRA', rank, alpha);
    this.linear = linear;
    this.lora = new LoRALayer(linear.inFeatures, linear.outFeatures, rank, alpha, opts);
  }

  get inFeatures(): number {
    return this.linear.inFeatures;
  }

  get outFeatures(): number {
    return this.linear.outFeatures;
  }

  /** x (..., inFeatures) → linear(x) + lora(x). */
  forward(x: Tensor): Tensor {
    return this.linear.forward(x).add(this.lora.forward(x));
  }

  /**
   * A plain Linear with the update folded in: W + alpha·(A B)ᵀ, the same bias. Its parameters
   * are new tensors (this layer is left as it was) with the base weight's requiresGrad.
   */
  merged(): Linear {
    const { inFeatures, outFeatures } = this.linear;
    const out = new Linear(inFeatures, outFeatures, { bias: this.linear.bias !== null, init: 'none' });
    noGrad(() => tidy(() => {
      out.weight.dispose();
      out.weight = Parameter(this.linear.weight.add(this.lora.deltaWeight()), this.linear.weight.requiresGrad);
      if (this.linear.bias && out.bias) {
        out.bias.dispose();
        out.bias = Parameter(this.linear.bias.clone(), this.linear.bias.requiresGrad);
      }
    }));
    return out;
  }
}
