// Plain-JavaScript references in float64: deterministic inputs, index arithmetic, broadcasting,
// reductions and matmul. Independent of the package (nothing here imports src/).

/** Deterministic floats in [lo, hi), exactly representable in float32 (mulberry32). */
export function floats(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + idx[d];
  return i;
}

/** NumPy broadcasting of several shapes. */
export function broadcast(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: n }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - n + i] ?? 1);
    const big = Math.max(...dims);
    if (dims.some((d) => d !== 1 && d !== big)) throw new Error(`ref: cannot broadcast ${JSON.stringify(shapes)}`);
    return big;
  });
}

/** The element of (data, shape) that broadcasting reads at output index `idx`. */
function at(data: ArrayLike<number>, shape: readonly number[], idx: readonly number[]): number {
  const lead = idx.length - shape.length;
  return data[ravel(shape.map((d, i) => (d === 1 ? 0 : idx[i + lead])), shape)];
}

export function mapBroadcast(
  inputs: { data: ArrayLike<number>; shape: readonly number[] }[],
  f: (...xs: number[]) => number,
): { data: number[]; shape: number[] } {
  const shape = broadcast(...inputs.map((x) => x.shape));
  const data = Array.from({ length: size(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return f(...inputs.map((x) => at(x.data, x.shape, idx)));
  });
  return { data, shape };
}

/** Reduces `dims` of (data, shape) with f over the picked values. */
export function reduce(
  data: ArrayLike<number>, shape: readonly number[], dims: readonly number[], keepdim: boolean, f: (xs: number[]) => number,
): { data: number[]; shape: number[] } {
  const ds = dims.map((d) => (d < 0 ? d + shape.length : d));
  const kept = shape.map((d, i) => (ds.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(kept) }, () => []);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape).map((v, d) => (ds.includes(d) ? 0 : v));
    groups[ravel(idx, kept)].push(data[i]);
  }
  return { data: groups.map(f), shape: keepdim ? kept : shape.filter((_, i) => !ds.includes(i)) };
}

export const refSum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const refMean = (xs: number[]) => refSum(xs) / xs.length;
export const refVar = (unbiased: boolean) => (xs: number[]) => {
  const m = refMean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - (unbiased ? 1 : 0));
};

/** (m, k) @ (k, n), row-major, float64. */
export function matmul2d(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    out[i * n + j] = s;
  }
  return out;
}

/** Reads (data, shape) through a permutation of its dims, as a dense row-major array. */
export function permuted(data: ArrayLike<number>, shape: readonly number[], dims: readonly number[]): number[] {
  const outShape = dims.map((d) => shape[d]);
  return Array.from({ length: data.length }, (_, i) => {
    const o = unravel(i, outShape);
    const src = new Array<number>(shape.length);
    dims.forEach((d, j) => (src[d] = o[j]));
    return data[ravel(src, shape)];
  });
}

export function softmaxRow(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = refSum(e);
  return e.map((v) => v / s);
}

export function logSoftmaxRow(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const lse = m + Math.log(refSum(xs.map((x) => Math.exp(x - m))));
  return xs.map((x) => x - lse);
}
