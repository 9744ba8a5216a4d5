// Sums in WebAssembly (assembly/reduce.ts) against the JS kernel's arithmetic done here: float64
// accumulation over the reduced axis in order, one rounding to float32 at the end, so every
// element must match bit for bit; over the last, a middle and the first axis, odd column counts,
// a strided input, and special values (NaN, ±inf, −0, huge magnitudes that cancel).
import { describe, expect, it } from 'vitest';
import { cpu, fromTypedArray, sum, tidy, withProfile } from '../src/index.js';
import { floats } from './helpers/ref.js';

/** Σ over dim of a contiguous (shape) array, as src/backends/cpu/reduce.ts computes it. */
function reference(data: Float32Array, shape: number[], dim: number): Float32Array {
  const outer = shape.slice(0, dim).reduce((p, d) => p * d, 1), size = shape[dim], inner = shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const acc = new Float64Array(inner);
    for (let s = 0; s < size; s++) for (let i = 0; i < inner; i++) acc[i] += data[(o * size + s) * inner + i];
    out.set(acc, o * inner);
  }
  return out;
}

describe('sum in WebAssembly', () => {
  it.each([
    ['the last axis (rows)', [300, 97], 1],
    ['the first axis (a bias gradient)', [512, 77], 0],
    ['a middle axis', [6, 40, 51], 1],
    ['16-column blocks exactly', [64, 10, 32], 1],
  ] as [string, number[], number][])('%s', async (_label, shape, dim) => {
    const data = floats(shape.reduce((p, d) => p * d, 1), 5, -100, 100);
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 3e38, -3e38, 1e-45];
    for (let i = 0; i < data.length; i += 613) data[i] = special[(i / 613) % special.length | 0];
    const x = fromTypedArray(data, shape);
    const { result, profile } = await withProfile(cpu, () => tidy(() => sum(x, dim)));
    const got = result.dataSync(), want = reference(data, shape, dim);
    const bad: string[] = [];
    for (let i = 0; i < want.length && bad.length < 5; i++) if (!Object.is(got[i], want[i])) bad.push(`[${i}] ${got[i]} vs ${want[i]}`);
    expect(bad).toEqual([]);
    expect(profile.has('wasm sum compute (part)')).toBe(true);
  });

  it('a strided input is summed from its contiguous copy, with the same result', () => {
    const data = floats(200 * 90, 6, -1, 1);
    const xT = fromTypedArray(data, [200, 90]).transpose(0, 1); // (90, 200)
    const got = tidy(() => sum(xT, 1)).dataSync(); // Σ over the 200: column sums of the stored matrix
    expect(Array.from(got)).toEqual(Array.from(reference(data, [200, 90], 0)));
  });
});
