// The JS side of the WASM row and elementwise kernels (assembly/ops.ts): copy the operands into
// the module's memory, write the job's arguments, split the rows over the main thread and the
// worker threads (the GEMM's pool), and hand back views of the outputs. Each function returns
// false when WebAssembly is unavailable, and the caller computes another way.
import { CTL_BYTE_OFFSET, Field, OP_ARGS, WORK_BYTE_OFFSET, align64 } from './job.js';
import { ensureBytes, kernelWorkEnd, memoryViews, wasmContext } from './matmul.js';
import { withScratch } from './resident.js';
import { profileAdd, profiling } from '../../../profile.js';

/** Job kinds of assembly/ops.ts. */
const Kind = { UNARY: 1, SOFTMAX: 2, SOFTMAX_BWD: 3, LN: 4, LN_BWD: 5, CE: 6, CE_BWD: 7, GELU_BWD: 8, ADAMW: 9 } as const;
const kindNames = ['', 'unary', 'softmax', 'softmax backward', 'layer norm', 'layer norm backward', 'log-sum-exp', 'softmax scaled', 'gelu backward', 'adamw'];
export const wasmUnaryCodes = { exp: 1, tanh: 2, sigmoid: 3, gelu: 4, geluGrad: 5 } as const;
export type WasmUnaryOp = keyof typeof wasmUnaryCodes;

/** Below this many elements a kernel runs on the main thread alone (waking a worker costs ~10-50 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 15;
/** Chunks per thread: causal rows differ in length, so smaller chunks balance the threads. */
const CHUNKS_PER_THREAD = 4;

/** An operand: copied in when `src` is given, else only space for an output (or scratch). */
interface Operand { src?: Float32Array; size: number }

interface Job {
  kind: number;
  units: number; // rows (or elements for UNARY)
  rowLength: number;
  elements: number; // total work, to decide on threads
  operands: (chunks: number) => (Operand | null)[];
  args: (ptrs: number[], i32: Int32Array, f32: Float32Array) => void;
}

/** Runs a job; returns the heap and each operand's element offset in it (-1 for null), or null without WebAssembly. */
function run(job: Job): { heap: Float32Array; at: number[]; chunks: number } | null {
  const ctx = wasmContext();
  if (!ctx) return null;
  const { g, pool } = ctx;
  const threads = pool ? ctx.threads : 1;
  let chunks = threads > 1 && job.elements >= PARALLEL_MIN_ELEMENTS ? Math.min(job.units, threads * CHUNKS_PER_THREAD) : 1;
  let per = Math.ceil(job.units / chunks);
  if (job.kind === Kind.UNARY || job.kind === Kind.GELU_BWD || job.kind === Kind.ADAMW) per = Math.ceil(per / 4) * 4; // whole vectors per chunk
  chunks = Math.ceil(job.units / per);
  const operands = job.operands(chunks);
  const ptrs = withScratch(kernelWorkEnd(), (start) => {
    const at: number[] = [];
    let end = start;
    for (const o of operands) {
      if (!o) { at.push(0); continue; }
      at.push(end);
      end += align64(o.size * 4);
    }
    ensureBytes(g.memory, end);
    return at;
  });
  const timed = profiling();
  const t0 = timed ? performance.now() : 0;
  const { heap, ctl, ctlF32 } = memoryViews(g.memory);
  operands.forEach((o, i) => { if (o?.src) heap.set(o.src, ptrs[i] / 4); });
  if (timed) profileAdd('wasm kernel copies in (part)', performance.now() - t0);
  ctl[Field.KIND] = job.kind;
  ctl[OP_ARGS] = per;
  ctl[OP_ARGS + 1] = job.units;
  ctl[OP_ARGS + 2] = job.rowLength;
  job.args(ptrs, ctl.subarray(OP_ARGS), ctlF32.subarray(OP_ARGS));
  const runChunk = (c: number) => g.runChunk(CTL_BYTE_OFFSET, c, WORK_BYTE_OFFSET);
  const active = chunks > 1 ? threads - 1 : 0;
  const t1 = timed ? performance.now() : 0;
  if (pool && active > 0) {
    if (pool.size < active) pool.resize(active);
    pool.run(ctl, chunks, active, runChunk);
  } else for (let c = 0; c < chunks; c++) runChunk(c);
  if (timed) profileAdd(`wasm ${kindNames[job.kind]} compute (part)`, performance.now() - t1);
  return { heap, at: ptrs.map((p, i) => (operands[i] ? p / 4 : -1)), chunks };
}

const view = (r: { heap: Float32Array; at: number[] }, i: number, size: number) => r.heap.subarray(r.at[i], r.at[i] + size);

/** out[i] = op(x[i]) for n contiguous elements. */
export function unaryWasm(op: WasmUnaryOp, x: Float32Array, out: Float32Array): boolean {
  const n = x.length;
  const r = run({
    kind: Kind.UNARY, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: x, size: n }, { size: n }],
    args: (p, a) => { a[3] = wasmUnaryCodes[op]; a[4] = p[0]; a[5] = p[1]; },
  });
  if (!r) return false;
  out.set(view(r, 1, n));
  return true;
}

/** dx = g ⊙ gelu′(x) for n contiguous elements. */
export function geluBackwardWasm(x: Float32Array, g: Float32Array, dx: Float32Array): boolean {
  const n = x.length;
  const r = run({
    kind: Kind.GELU_BWD, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: x, size: n }, { src: g, size: n }, { size: n }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; },
  });
  if (!r) return false;
  dx.set(view(r, 2, n));
  return true;
}

export interface AdamWStep { beta1: number; beta2: number; decay: number; stepSize: number; invBc2Sqrt: number; eps: number }

/** One AdamW step in place on p, m, v (float32 arithmetic, on the worker threads). */
export function adamwWasm(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWStep): boolean {
  const n = p.length;
  const r = run({
    kind: Kind.ADAMW, units: n, rowLength: 1, elements: n,
    operands: () => [{ src: p, size: n }, { src: g, size: n }, { src: m, size: n }, { src: v, size: n }],
    args: (ptrs, a, f) => {
      for (let i = 0; i < 4; i++) a[3 + i] = ptrs[i];
      f[7] = h.beta1; f[8] = 1 - h.beta1; f[9] = h.beta2; f[10] = 1 - h.beta2;
      f[11] = h.decay; f[12] = h.stepSize; f[13] = h.invBc2Sqrt; f[14] = h.eps;
    },
  });
  if (!r) return false;
  p.set(view(r, 0, n));
  m.set(view(r, 2, n));
  v.set(view(r, 3, n));
  return true;
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
  const r = run({
    kind: Kind.SOFTMAX, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { size }],
    args: (p, a, f) => {
      a[3] = p[0]; a[4] = p[1]; a[5] = causal ? 1 : 0; a[6] = causal?.queries ?? 1; a[7] = causal?.offset ?? 0; f[8] = scale;
    },
  });
  if (!r) return false;
  y.set(view(r, 1, size));
  return true;
}

/** dx = scale · y ⊙ (g − rowsum(g ⊙ y)), the backward of softmaxWasm. */
export function softmaxBackwardWasm(y: Float32Array, g: Float32Array, rows: number, n: number, scale: number, dx: Float32Array): boolean {
  const size = rows * n;
  const r = run({
    kind: Kind.SOFTMAX_BWD, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: y, size }, { src: g, size }, { size }],
    args: (p, a, f) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; f[8] = scale; },
  });
  if (!r) return false;
  dx.set(view(r, 2, size));
  return true;
}

/** Layer norm of each row of x (rows, n); writes y and each row's mean and 1/√(var + eps). */
export function layerNormWasm(x: Float32Array, rows: number, n: number, w: Float32Array | null, b: Float32Array | null, eps: number,
  y: Float32Array, mean: Float32Array, rstd: Float32Array): boolean {
  const size = rows * n;
  const r = run({
    kind: Kind.LN, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, w && { src: w, size: n }, b && { src: b, size: n }, { size }, { size: rows }, { size: rows }],
    args: (p, a, f) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; a[6] = p[3]; a[7] = p[4]; a[8] = p[5]; f[9] = eps; },
  });
  if (!r) return false;
  y.set(view(r, 3, size));
  mean.set(view(r, 4, rows));
  rstd.set(view(r, 5, rows));
  return true;
}

/** The backward of layerNormWasm: dx, and (when asked) dw = Σ_rows g ⊙ x̂ and db = Σ_rows g. */
export function layerNormBackwardWasm(x: Float32Array, w: Float32Array | null, g: Float32Array, mean: Float32Array, rstd: Float32Array,
  rows: number, n: number, dx: Float32Array, dw: Float32Array | null, db: Float32Array | null): boolean {
  const size = rows * n;
  const r = run({
    kind: Kind.LN_BWD, units: rows, rowLength: n, elements: size,
    operands: (chunks) => [{ src: x, size }, w && { src: w, size: n }, { src: g, size }, { src: mean, size: rows }, { src: rstd, size: rows },
      { size }, dw && { size: chunks * n }, db && { size: chunks * n }],
    args: (p, a) => { for (let i = 0; i < 8; i++) a[3 + i] = p[i]; },
  });
  if (!r) return false;
  dx.set(view(r, 5, size));
  // the chunks' partial sums, added in a fixed order (the same result on any number of threads is not promised)
  for (const [out, i] of [[dw, 6], [db, 7]] as const) {
    if (!out) continue;
    const parts = view(r, i, r.chunks * n);
    out.fill(0);
    for (let c = 0; c < r.chunks; c++) for (let j = 0; j < n; j++) out[j] += parts[c * n + j];
  }
  return true;
}

/** lse[r] = log Σ_j e^{x[r, j]} per row of x (rows, n). */
export function logSumExpWasm(x: Float32Array, rows: number, n: number, lse: Float32Array): boolean {
  const size = rows * n;
  const r = run({
    kind: Kind.CE, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { size: rows }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; },
  });
  if (!r) return false;
  lse.set(view(r, 1, rows));
  return true;
}

/** out[r, j] = e^{x[r, j] − lse[r]} · scale[r]: each row's softmax times its weight (cross-entropy's gradient before the one-hot). */
export function softmaxScaledWasm(x: Float32Array, lse: Float32Array, scale: Float32Array, rows: number, n: number, out: Float32Array): boolean {
  const size = rows * n;
  const r = run({
    kind: Kind.CE_BWD, units: rows, rowLength: n, elements: size,
    operands: () => [{ src: x, size }, { src: lse, size: rows }, { src: scale, size: rows }, { size }],
    args: (p, a) => { a[3] = p[0]; a[4] = p[1]; a[5] = p[2]; a[6] = p[3]; },
  });
  if (!r) return false;
  out.set(view(r, 3, size));
  return true;
}
