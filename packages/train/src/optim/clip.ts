// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: when the L2 norm of all
// gradients together exceeds maxNorm, every gradient is scaled by maxNorm / (norm + 1e-6).
// It stays on the backend (no readback): the norm comes back as a scalar tensor.
import { assign, fullLike, noGrad, sqrt, type Tensor, tidy, zeros } from '@llm/tensor';

/** Clips the gradients of `params` in place; returns the total norm before clipping (a scalar tensor, the caller disposes it). */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const grads = [...params].flatMap((p) => (p.grad ? [p.grad] : []));
  if (grads.length === 0) return zeros([]);
  return noGrad(() => tidy(() => {
    let sumSq = grads[0].square().sum();
    for (let i = 1; i < grads.length; i++) sumSq = sumSq.add(grads[i].square().sum());
    const total = sqrt(sumSq);
    // min(1, maxNorm / (total + 1e-6)): a no-op when the norm is already small
    const coef = fullLike(total, maxNorm).div(total.add(1e-6)).clamp(undefined, 1);
    for (const g of grads) assign(g, g.mul(coef));
    return total;
  }));
}
