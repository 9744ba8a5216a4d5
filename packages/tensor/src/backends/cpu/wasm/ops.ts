// The JS side of the WASM row kernels (assembly/ops.ts, assembly/attention.ts): each names its
// operands and arguments and runs as a job (runner.ts). Each returns false when WebAssembly is
// unavailable, and the caller computes another way.
import { BLOCKING } from './plan.js';
import { workBytes } from './job.js';
import { wasmContext } from './matmul.js';
import { Kind, run } from './runner.js';

export const wasmUnaryCodes = { exp: 1, tanh: 2, sigmoid: 3, gelu: 4, geluGrad: 5, log: 6, neg: 7, abs: 8, sqrt: 9, rsqrt: 10, relu: 11 } as const;
export type WasmUnaryOp = keyof typeof wasmUnaryCodes;

/** out[i] = op(x[i]) for n contiguous elements. */
export function unaryWasm(op: WasmUnaryOp, x: Float32Array, out: Float32Array): boolean {
  const n = x.length;
  return run({
    kind: Kind.UNARY, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: x, size: n }, { dst: out, size: n }],
    args: (p, a) => { a[3] = wasmUnaryCodes[op]; a[4] = p[0]; a[5] = p[1]; },
  });
}

/** dx = g ⊙ gelu′(x) for n contiguous elements. */
export function geluBackwardWasm(x: Float32Array, g: Float32Array, dx: Float32Array): boolean {
  const n = x.length;
  return run({
    kind: Kind.GELU_BWD, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: x, size: n }, { src: g, size: n }, { dst: dx, size: n }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; },
  });
}

export interface AdamWStep { beta1: number; beta2: number; decay: number; stepSize: number; invBc2Sqrt: number; eps: number }

/** One AdamW step in place on p, m, v (float32 arithmetic, on the worker threads). */
export function adamwWasm(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWStep): boolean {
  const n = p.length;
  return run({
    kind: Kind.ADAMW, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: p, dst: p, size: n }, { src: g, size: n }, { src: m, dst: m, size: n }, { src: v, dst: v, size: n }],
    args: (ptrs, a, f) => {
      for (let i = 0; i < 4; i++) a[3 + i] = ptrs[i];
      f[7] = h.beta1; f[8] = 1 - h.beta1; f[9] = h.beta2; f[10] = 1 - h.beta2;
      f[11] = h.decay; f[12] = h.stepSize; f[13] = h.invBc2Sqrt; f[14] = h.eps;
    },
  });
}

export interface CausalRows {
  /** Rows per (query block): row r is query r % queries. */
  queries: number;
  /** Query q sees keys [0, q + offset]. */
  offset: number;
}

/** y = softmax(scale · x) per row of x (rows, n); with `causal`, keys after each query are masked (y = 0 there). */
export function softmaxWasm(x: Float32Array, rows: number, n: number, scale: number, causal: CausalRows | null, y: Float32Array): boolean {
  const size = rows * n;
  return run({
    kind: Kind.SOFTMAX, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { dst: y, size }],
    args: (p, a, f) => {
      a[3] = p[0]; a[4] = p[1]; a[5] = causal ? 1 : 0; a[6] = causal?.queries ?? 1; a[7] = causal?.offset ?? 0; f[8] = scale;
    },
  });
}

/** dx = scale · y ⊙ (g − rowsum(g ⊙ y)), the backward of softmaxWasm. */
export function softmaxBackwardWasm(y: Float32Array, g: Float32Array, rows: number, n: number, scale: number, dx: Float32Array): boolean {
  const size = rows * n;
  return run({
    kind: Kind.SOFTMAX_BWD, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: y, size }, { src: g, size }, { dst: dx, size }],
    args: (p, a, f) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; f[8] = scale; },
  });
}

/** Layer norm of each row of x (rows, n); writes y and each row's mean and 1/√(var + eps). */
export function layerNormWasm(x: Float32Array, rows: number, n: number, w: Float32Array | null, b: Float32Array | null, eps: number,
  y: Float32Array, mean: Float32Array, rstd: Float32Array): boolean {
  const size = rows * n;
  return run({
    kind: Kind.LN, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, w && { src: w, size: n }, b && { src: b, size: n }, { dst: y, size }, { dst: mean, size: rows }, { dst: rstd, size: rows }],
    args: (p, a, f) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; a[6] = p[3]; a[7] = p[4]; a[8] = p[5]; f[9] = eps; },
  });
}

/** The backward of layerNormWasm: dx, and (when asked) dw = Σ_rows g ⊙ x̂ and db = Σ_rows g. */
export function layerNormBackwardWasm(x: Float32Array, w: Float32Array | null, g: Float32Array, mean: Float32Array, rstd: Float32Array,
  rows: number, n: number, dx: Float32Array, dw: Float32Array | null, db: Float32Array | null): boolean {
  const size = rows * n;
  return run({
    kind: Kind.LN_BWD, units: rows, rowLength: n, elements: size,
    operands: (chunks) => [{ src: x, size }, w && { src: w, size: n }, { src: g, size }, { src: mean, size: rows }, { src: rstd, size: rows },
      { dst: dx, size }, dw && { size: chunks * n }, db && { size: chunks * n }],
    args: (p, a) => { for (let i = 0; i < 8; i++) a[3 + i] = p[i]; },
    // the chunks' partial sums, added in a fixed order (the same result on any number of threads is not promised)
    finish: (heap, at, chunks) => {
      for (const [out, i] of [[dw, 6], [db, 7]] as const) {
        if (!out) continue;
        out.fill(0);
        for (let c = 0; c < chunks; c++) for (let j = 0, q = at[i] + c * n; j < n; j++, q++) out[j] += heap[q];
      }
    },
  });

}

/** lse[r] = log Σ_j e^{x[r, j]} per row of x (rows, n). */
export function logSumExpWasm(x: Float32Array, rows: number, n: number, lse: Float32Array): boolean {
  const size = rows * n;
  return run({
    kind: Kind.CE, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { dst: lse, size: rows }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; },
  });
}

/** out[r, j] = e^{x[r, j] − lse[r]} · scale[r]: each row's softmax times its weight (cross-entropy's gradient before the one-hot). */
export function softmaxScaledWasm(x: Float32Array, lse: Float32Array, scale: Float32Array, rows: number, n: number, out: Float32Array): boolean {
  const size = rows * n;
  return run({
    kind: Kind.CE_BWD, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { src: lse, size: rows }, { src: scale, size: rows }, { dst: out, size }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; a[6] = p[3]; },
  });
}

/** A (B, H, T, D) operand of attentionWasm: its array, element offset and (b, h, t) strides (D contiguous). */
export interface HeadsView { data: Float32Array; offset: number; strides: readonly [number, number, number] }

/**
 * out (B, Tq, H, D) = causal softmax(scale · q kᵀ) v, one query row at a time (assembly/attention.ts);
 * k and v have KV heads, each shared by H / KV query heads.
 * Declines (false) when q, k or v is not in the heap (they are read in place, strided) or a row of
 * Tk scores does not fit a thread's workspace.
 */
export function attentionWasm(q: HeadsView, k: HeadsView, v: HeadsView, dims: { B: number; H: number; KV: number; Tq: number; Tk: number; D: number },
  scale: number, offset: number, lengths: readonly number[] | null, out: Float32Array): boolean {
  const ctx = wasmContext();
  const { B, H, KV, Tq, Tk, D } = dims;
  if (!ctx || Tk * 4 > workBytes(BLOCKING) || ![q, k, v].every((t) => ctx.heap.owns(t.data))) return false;
  const rows = B * H * Tq, size = rows * D;
  const at = (t: HeadsView) => t.data.byteOffset + t.offset * 4;
  return run({
    // a (key, column) pair costs ~1/8 of an elementwise op's element (SIMD multiply-adds): threads from ~30 µs of work
    kind: Kind.ATTENTION, units: rows, rowLength: 1, elements: (rows * Tk * D) / 8,
    operands: () => [{ dst: out, size }, lengths && { src: Float32Array.from(lengths), size: B }],
    args: (p, a, f) => {
      a[3] = at(q); a[4] = at(k); a[5] = at(v); a[6] = p[0];
      a[7] = H; a[8] = Tq; a[9] = Tk; a[10] = D; a[11] = offset;
      for (let i = 0; i < 3; i++) { a[12 + i] = q.strides[i]; a[15 + i] = k.strides[i]; a[18 + i] = v.strides[i]; }
      f[21] = scale;
      a[22] = lengths ? p[1] : 0;
      a[23] = H / KV;
    },
  });
}
