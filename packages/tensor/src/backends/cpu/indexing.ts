// Index kernels over (outer, size, inner) blocks: select / gather and their scatter-add adjoints.
import type { TypedArray } from '../../dtype.js';

function checkIndex(op: string, j: number, size: number): number {
  if (j < 0 || j >= size || !Number.isInteger(j)) throw new RangeError(`${op}: index ${j} is out of range for a dim of size ${size}`);
  return j;
}

export function indexSelectKernel(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, n: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const src = (o * size + checkIndex('indexSelect', index[j], size)) * inner;
      out.set(x.subarray(src, src + inner), (o * n + j) * inner);
    }
  }
}

export function indexAddKernel(dst: TypedArray, index: Int32Array, src: TypedArray, outer: number, size: number, inner: number, n: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const d = (o * size + checkIndex('indexAdd', index[j], size)) * inner;
      const s = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) dst[d + i] += src[s + i];
    }
  }
}

export function gatherKernel(x: TypedArray, index: Int32Array, outer: number, size: number, inner: number, n: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const r = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[r + i] = x[(o * size + checkIndex('gather', index[r + i], size)) * inner + i];
    }
  }
}

export function scatterAddKernel(dst: TypedArray, index: Int32Array, src: TypedArray, outer: number, size: number, inner: number, n: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const r = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) dst[(o * size + checkIndex('scatterAdd', index[r + i], size)) * inner + i] += src[r + i];
    }
  }
}

export function topkKernel(x: TypedArray, rows: number, cols: number, k: number, values: TypedArray, indices: Int32Array): void {
  const order = new Int32Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) order[c] = c;
    // partial selection: fine for the k ≪ cols of sampling; a full sort otherwise
    const sorted = Array.from(order).sort((p, q) => x[base + q] - x[base + p] || p - q);
    for (let j = 0; j < k; j++) {
      values[r * k + j] = x[base + sorted[j]];
      indices[r * k + j] = sorted[j];
    }
  }
}
