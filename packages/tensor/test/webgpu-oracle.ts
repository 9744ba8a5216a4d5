// Shared by the webgpu-*.test.ts files: the WebGPU backend (failing loudly when there is no adapter,
// unless LLM_SKIP_WEBGPU=1), and running one kernel on it and on the CPU backend, the oracle.
import { expect } from 'vitest';
import { startTestWebGPU } from '../../../testing/webgpu.js';
import { type Backend, cpu, initWebGPU, type Storage, type TypedArray, type View, type WebGPUOptions } from '../src/index.js';

export type WebGPU = Awaited<ReturnType<typeof initWebGPU>>;

/** The backend, or null (with the reason printed) when LLM_SKIP_WEBGPU=1 and none can start. */
export function startWebGPU(opts: WebGPUOptions = {}): Promise<WebGPU | null> {
  return startTestWebGPU(() => initWebGPU(opts));
}

/** Deterministic test data (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randFloats(n: number, seed: number, scale = 2): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

export function randInts(n: number, seed: number, low: number, high: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => low + Math.floor(r() * (high - low)));
}

export const contiguousStrides = (shape: readonly number[]) => {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
};

export function view(storage: Storage, shape: readonly number[], strides = contiguousStrides(shape), offset = 0): View {
  return { storage, shape, strides, offset, dtype: storage.dtype };
}

type Out = readonly [size: number, dtype: 'float32' | 'int32'];

/**
 * Runs `fn` on the CPU backend and on `gpu` with copies of the same inputs and fresh zeroed
 * outputs; returns every storage (inputs, then outputs) read back from each, for in-place kernels too.
 */
export async function onBoth(
  gpu: Backend,
  inputs: readonly TypedArray[],
  outputs: readonly Out[],
  fn: (b: Backend, ins: Storage[], outs: Storage[]) => void,
): Promise<{ cpu: TypedArray[]; gpu: TypedArray[] }> {
  const run = async (b: Backend) => {
    const ins = inputs.map((d) => b.fromArray(d));
    const outs = outputs.map(([n, dt]) => b.alloc(n, dt));
    fn(b, ins, outs);
    const all = [...ins, ...outs];
    const data = [];
    for (const s of all) data.push(await b.read(s));
    all.forEach((s) => b.free(s));
    return data;
  };
  return { cpu: await run(cpu), gpu: await run(gpu) };
}

function same(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** Elementwise closeness (NaN matches NaN, infinities must match exactly); int32 arrays exactly. */
export function expectClose(actual: TypedArray, expected: TypedArray, label: string, tol: { rtol?: number; atol?: number } = {}): void {
  const exact = expected instanceof Int32Array;
  const rtol = exact ? 0 : tol.rtol ?? 2e-6, atol = exact ? 0 : tol.atol ?? 1e-6;
  expect(actual.constructor.name, `${label}: dtype`).toBe(expected.constructor.name);
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!same(actual[i], expected[i], rtol, atol)) {
      expect.fail(`${label}: element ${i} of ${expected.length}: webgpu ${actual[i]}, cpu ${expected[i]}`);
    }
  }
}

/** Checks every storage `onBoth` returned. */
export function expectAllClose(r: { cpu: TypedArray[]; gpu: TypedArray[] }, label: string, tol?: { rtol?: number; atol?: number }): void {
  r.cpu.forEach((c, i) => expectClose(r.gpu[i], c, `${label} [storage ${i}]`, tol));
}

/** Odd sizes: 1, 3, 17, 65, 257, not multiples of any workgroup size. */
export const ODD = [1, 3, 17, 65, 257] as const;
