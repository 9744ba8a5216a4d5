// AdamW as torch.optim.AdamW: decoupled weight decay, bias-corrected moments.
import type { AdamWParams } from '../../backend.js';

export function adamwKernel(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWParams): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const stepSize = lr / bc1;
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
    const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
    p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}
