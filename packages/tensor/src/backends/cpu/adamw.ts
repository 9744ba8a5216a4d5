// AdamW as torch.optim.AdamW: decoupled weight decay, bias-corrected moments.
import type { AdamWParams } from '../../backend.js';
import { adamwWasm } from './wasm/ops.js';

/** Below this many elements the update stays in JS (copying into WebAssembly memory would cost more). */
const WASM_ADAMW_MIN = 4096;

export function adamwKernel(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWParams): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const stepSize = lr / bc1;
  const decay = 1 - lr * weightDecay;
  // WebAssembly SIMD in float32 on the worker threads (JS's scalar sqrt and divides cost ~9 ns an element)
  if (p.length >= WASM_ADAMW_MIN && adamwWasm(p, g, m, v, { beta1, beta2, decay, stepSize, invBc2Sqrt: 1 / bc2Sqrt, eps })) return;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
    const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
    p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}
