// AdamW (Loshchilov & Hutter), as torch.optim.AdamW: bias-corrected moments and weight decay
// applied to the weights directly, not through the gradient. The update is one fused kernel per
// parameter (@llm/tensor's adamwUpdate).
import { adamwUpdate, dense, keep, noGrad, type Tensor, tidy, zeros } from '@llm/tensor';
import { Optimizer, type ParamGroupSpec } from './optimizer.js';

export type AdamWHyper = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
};

/** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
export const adamwDefaults: AdamWHyper = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 };

export class AdamW extends Optimizer<AdamWHyper> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<AdamWHyper>[], opts: Partial<AdamWHyper> = {}) {
    const h = { ...adamwDefaults, ...opts };
    checkAdamW(h);
    super(params, h);
    for (const g of this.paramGroups) checkAdamW(g);
  }

  step(): void {
    noGrad(() => tidy(() => {
      for (const group of this.paramGroups) {
        const { lr, betas: [beta1, beta2], eps, weightDecay } = group;
        for (const p of group.params) {
          if (!p.grad) continue;
          let s = this.state.get(p);
          if (!s) {
            s = { step: 0, expAvg: keep(zeros(p.shape, { backend: p.backend })), expAvgSq: keep(zeros(p.shape, { backend: p.backend })) };
            this.state.set(p, s);
          }
          const step = (s.step as number) + 1;
          s.step = step;
          adamwUpdate(p, dense(p.grad), s.expAvg as Tensor, s.expAvgSq as Tensor, { lr, beta1, beta2, eps, weightDecay, step });
        }
      }
    }));
  }
}

function checkAdamW(h: AdamWHyper): void {
  const [b1, b2] = h.betas;
  if (!(h.lr >= 0)) throw new RangeError(`AdamW: lr must be >= 0, got ${h.lr}`);
  if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new RangeError(`AdamW: betas must be in [0, 1), got [${b1}, ${b2}]`);
  if (!(h.eps >= 0)) throw new RangeError(`AdamW: eps must be >= 0, got ${h.eps}`);
  if (!(h.weightDecay >= 0)) throw new RangeError(`AdamW: weightDecay must be >= 0, got ${h.weightDecay}`);
}
