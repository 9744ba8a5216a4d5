// Shared by fused.test.ts (the CPU's fused kernels) and webgpu-fused.test.ts (the WebGPU backend's):
// a backend with its fused kernels taken away, so every op composes primitives (the reference),
// and running one op's forward and backward on a backend.
import { fromTypedArray, tidy, type Backend, type Tensor } from '../../src/index.js';
import { expectClose, type Tolerance } from './close.js';
import { floats } from './ref.js';

/** FusedKernels' methods that the ops fall back from by composing primitives (attention has no backward: tested in attention.test.ts). */
export const FUSED_KERNELS = [
  'softmaxRows', 'softmaxRowsBackward', 'layerNormRows', 'layerNormRowsBackward', 'logSumExpRows', 'softmaxScaledRows',
  'gelu', 'geluBackward', 'matmulBias', 'adamw',
] as const;

/** The backend's fused kernels hidden by own properties (for a CPU-like backend, on a derived object named `name`). */
export function withoutFused<B extends Backend>(backend: B, name?: string): B {
  const hidden = Object.fromEntries(FUSED_KERNELS.map((k) => [k, undefined]));
  return name ? Object.assign(Object.create(backend) as B, { name, ...hidden }) : Object.assign(backend, hidden);
}

export interface Input { data: Float32Array; shape: number[]; grad?: boolean }

export const input = (shape: number[], seed: number, lo = -3, hi = 3, grad = true): Input =>
  ({ data: floats(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape, grad });

export interface OpResult { value: number[]; grads: number[][] }

/** Runs f on inputs made on `backend`; returns the output and the inputs' gradients for upstream gradient w. */
export async function runOp(backend: Backend, f: (...xs: Tensor[]) => Tensor, inputs: Input[], seed = 7): Promise<OpResult> {
  const xs = inputs.map((i) => fromTypedArray(i.data, i.shape, { backend, requiresGrad: i.grad !== false }));
  const result = tidy(() => {
    const out = f(...xs);
    out.backward(fromTypedArray(floats(out.size, seed, -1, 1), out.shape, { backend }));
    return out;
  });
  const value = Array.from(await result.data());
  const grads = await Promise.all(xs.map(async (x) => (x.grad ? Array.from(await x.grad.data()) : [])));
  result.dispose();
  xs.forEach((x) => x.dispose());
  return { value, grads };
}

/** Values and every gradient of `b` close to those of `a`. */
export function expectSameResult(got: OpResult, want: OpResult, tol: Tolerance, label: string): void {
  expectClose(got.value, want.value, tol, `value on ${label}`);
  want.grads.forEach((g, i) => expectClose(got.grads[i], g, tol, `grad ${i} on ${label}`));
}
