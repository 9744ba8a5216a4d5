// Sums and max/min/argmax/argmin in WebAssembly (assembly/reduce.ts) against the JS kernel's arithmetic done here: float64
// accumulation over the reduced axis in order, one rounding to float32 at the end, so every
// element must match bit for bit; over the last, a middle and the first axis, odd column counts,
// a strided input, and special values (NaN, ±inf, −0, huge magnitudes that cancel).
import { describe, expect, it } from 'vitest';
import { argmax, argmin, cpu, fromTypedArray, max, min, sum, tidy, withProfile } from '../src/index.js';
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

/**
 * The extreme over dim, element by element as torch.max/argmax define it: the first extreme wins
 * (0 and −0 tie), a NaN wins (the first one).
 */
function extremeReference(data: Float32Array, shape: number[], dim: number, isMin: boolean): { values: number[]; indices: number[] } {
  const outer = shape.slice(0, dim).reduce((p, d) => p * d, 1), size = shape[dim], inner = shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  const values: number[] = [], indices: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const column = Array.from({ length: size }, (_, s) => data[(o * size + s) * inner + i]);
    const nan = column.findIndex(Number.isNaN);
    const extreme = isMin ? Math.min(...column) : Math.max(...column);
    const at = nan >= 0 ? nan : column.findIndex((v) => v === extreme);
    values.push(column[at]);
    indices.push(at);
  }
  return { values, indices };
}

describe('max, min, argmax, argmin in WebAssembly', () => {
  const cases: [string, number[], number][] = [
    ['rows (a vocabulary)', [40, 1001], 1],
    ['rows of 5 (one vector and a tail)', [3000, 5], 1],
    ['rows of 3 (no vector)', [4000, 3], 1],
    ['the first axis (16-column blocks and a remainder)', [512, 77], 0],
    ['a middle axis', [6, 40, 51], 1],
  ];
  it.each(cases)('%s', async (_label, shape, dim) => {
    // few distinct values, so ties are common; −0 beside 0, NaN in some rows, ±inf
    const n = shape.reduce((p, d) => p * d, 1);
    const data = floats(n, 8, -3, 3).map((v) => Math.round(v));
    for (let i = 0; i < n; i += 37) data[i] = -0;
    for (let i = 11; i < n; i += 59) data[i] = Number.POSITIVE_INFINITY;
    for (let i = 23; i < n; i += 71) data[i] = Number.NEGATIVE_INFINITY;
    for (let i = 5; i < n; i += 2003) data[i] = Number.NaN; // some rows and columns only, so both paths of the merge run
    const x = fromTypedArray(data, shape);
    for (const isMin of [false, true]) {
      const want = extremeReference(data, shape, dim, isMin);
      const { result, profile } = await withProfile(cpu, () => tidy(() => ({ v: (isMin ? min : max)(x, dim), i: (isMin ? argmin : argmax)(x, dim) })));
      const values = result.v.dataSync(), indices = result.i.dataSync();
      expect(result.i.dtype).toBe('int32');
      const bad: string[] = [];
      for (let k = 0; k < want.values.length && bad.length < 5; k++) {
        if (!Object.is(values[k], want.values[k]) || indices[k] !== want.indices[k]) bad.push(`[${k}] ${values[k]}@${indices[k]} vs ${want.values[k]}@${want.indices[k]}`);
      }
      expect(bad, isMin ? 'min' : 'max').toEqual([]);
      expect(profile.get('wasm max/min compute (part)')?.calls).toBe(2);
    }
  });
});
