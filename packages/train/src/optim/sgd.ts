// SGD with momentum, dampening, Nesterov and (coupled, L2) weight decay, as torch.optim.SGD.
import { assign, keep, noGrad, type Tensor, tidy } from '@llm/tensor';
import { Optimizer, type ParamGroupSpec } from './optimizer.js';

export type SGDHyper = {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
};

export const sgdDefaults: SGDHyper = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };

export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Iterable<Tensor> | ParamGroupSpec<SGDHyper>[], opts: Partial<SGDHyper> = {}) {
    const h = { ...sgdDefaults, ...opts };
    if (!(h.lr >= 0)) throw new RangeError(`SGD: lr must be >= 0, got ${h.lr}`);
    if (!(h.momentum >= 0)) throw new RangeError(`SGD: momentum must be >= 0, got ${h.momentum}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new Error('SGD: nesterov needs momentum > 0 and dampening 0');
    super(params, h);
  }

  step(): void {
    noGrad(() => tidy(() => {
      for (const group of this.paramGroups) {
        const { lr, momentum, dampening, weightDecay, nesterov } = group;
        for (const p of group.params) {
          if (!p.grad) continue;
          let d = weightDecay !== 0 ? p.grad.add(p.mul(weightDecay)) : p.grad;
          if (momentum !== 0) {
            const s = this.state.get(p);
            let buf: Tensor;
            if (!s) {
              buf = keep(d.clone());
              this.state.set(p, { momentumBuffer: buf });
            } else {
              buf = s.momentumBuffer as Tensor;
              assign(buf, buf.mul(momentum).add(dampening !== 0 ? d.mul(1 - dampening) : d));
            }
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
          }
          assign(p, p.sub(d.mul(lr)));
        }
      }
    }));
  }
}
