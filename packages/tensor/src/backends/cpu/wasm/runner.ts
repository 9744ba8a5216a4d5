// Running a job of the WASM row and elementwise kernels (assembly/ops.ts): place the operands (in
// place when they live in the kernels' heap, else copied into scratch), write the job's arguments,
// split the units over the main thread and the worker threads (the GEMM's pool), and copy outputs
// that do not live in the heap back out. False when WebAssembly is unavailable or there is no room
// for the copies: the caller computes another way.
import { BLOCKING } from './plan.js';
import { CTL_BYTE_OFFSET, Field, OP_ARGS, align64, workBytes } from './job.js';
import { countCopied, memoryViews, wasmContext } from './matmul.js';
import { releaseScratch, takeScratch } from './resident.js';
import { profileAdd, profiling } from '../../../profile.js';

/** Job kinds of assembly/ops.ts. */
export const Kind = { UNARY: 1, SOFTMAX: 2, SOFTMAX_BWD: 3, LN: 4, LN_BWD: 5, CE: 6, CE_BWD: 7, GELU_BWD: 8, ADAMW: 9, ATTENTION: 10, ELEMENTWISE: 11, DROPOUT: 12, SUM: 13, EXTREME: 14 } as const;
const kindNames = ['', 'unary', 'softmax', 'softmax backward', 'layer norm', 'layer norm backward', 'log-sum-exp', 'softmax scaled', 'gelu backward', 'adamw', 'attention', 'elementwise', 'dropout mask', 'sum', 'max/min'];

/** Below this many elements a kernel runs on the main thread alone (waking a worker costs ~10-50 µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 15;
/** Chunks per thread: causal rows differ in length, so smaller chunks balance the threads. */
const CHUNKS_PER_THREAD = 4;

/**
 * An operand of `size` elements: read from `src`, written to `dst` (both: updated in place), or
 * neither (scratch, read by `finish`). Arrays in the heap are used where they are.
 */
export interface Operand { src?: Float32Array; dst?: Float32Array; size: number }

export interface Job {
  kind: number;
  units: number; // rows (or elements for UNARY)
  rowLength: number;
  elements: number; // total work, to decide on threads
  operands: (chunks: number) => (Operand | null)[];
  args: (ptrs: number[], i32: Int32Array, f32: Float32Array) => void;
  /** Reads scratch outputs (heap, element offset of each operand, chunks) before the scratch is given back. */
  finish?: (heap: Float32Array, at: number[], chunks: number) => void;
}

/** Runs a job; false without WebAssembly (or without room for its copies). */
export function run(job: Job): boolean {
  const ctx = wasmContext();
  if (!ctx) return false;
  const { g, heap: h, pool, work } = ctx;
  const threads = pool ? ctx.threads : 1;
  let chunks = threads > 1 && job.elements >= PARALLEL_MIN_ELEMENTS ? Math.min(job.units, threads * CHUNKS_PER_THREAD) : 1;
  let per = Math.ceil(job.units / chunks);
  if (job.kind === Kind.UNARY || job.kind === Kind.GELU_BWD || job.kind === Kind.ADAMW) per = Math.ceil(per / 4) * 4; // whole vectors per chunk
  chunks = Math.ceil(job.units / per);
  const operands = job.operands(chunks);
  // an operand is in place when every array it names lives in the heap at one address
  const inPlace = operands.map((o) => {
    if (!o || !(o.src || o.dst)) return false;
    if (o.src && !h.owns(o.src)) return false;
    if (o.dst && !h.owns(o.dst)) return false;
    return !(o.src && o.dst) || o.src.byteOffset === o.dst.byteOffset;
  });
  let bytes = 0;
  const offsets = operands.map((o, i) => {
    if (!o || inPlace[i]) return -1;
    const at = bytes;
    bytes += align64(o.size * 4);
    return at;
  });
  const scratch = takeScratch(h, bytes);
  if (!scratch) return false; // no room for the copies: the caller computes another way
  try {
    const ptrs = operands.map((o, i) => (!o ? 0 : inPlace[i] ? (o.src ?? o.dst)!.byteOffset : scratch.ptr + offsets[i]));
    const timed = profiling();
    const t0 = timed ? performance.now() : 0;
    const { heap, ctl, ctlF32 } = memoryViews(g.memory);
    let copied = 0;
    operands.forEach((o, i) => {
      if (o?.src && !inPlace[i]) { heap.set(o.src.length === o.size ? o.src : o.src.subarray(0, o.size), ptrs[i] / 4); copied += o.size * 4; }
    });
    if (timed && copied > 0) profileAdd('wasm kernel copies in (part)', performance.now() - t0);
    ctl[Field.KIND] = job.kind;
    ctl[Field.WORK_BASE] = work; ctl[Field.WORK_SIZE] = workBytes(BLOCKING); // each worker's workspace (ATTENTION's rows of scores)
    ctl[OP_ARGS] = per;
    ctl[OP_ARGS + 1] = job.units;
    ctl[OP_ARGS + 2] = job.rowLength;
    job.args(ptrs, ctl.subarray(OP_ARGS), ctlF32.subarray(OP_ARGS));
    const runChunk = (c: number) => g.runChunk(CTL_BYTE_OFFSET, c, work);
    const active = chunks > 1 ? threads - 1 : 0;
    const t1 = timed ? performance.now() : 0;
    if (pool && active > 0) {
      if (pool.size < active) pool.resize(active);
      pool.run(ctl, chunks, active, runChunk);
    } else for (let c = 0; c < chunks; c++) runChunk(c);
    if (timed) profileAdd(`wasm ${kindNames[job.kind]} compute (part)`, performance.now() - t1);
    operands.forEach((o, i) => {
      if (o?.dst && !inPlace[i]) { o.dst.set(heap.subarray(ptrs[i] / 4, ptrs[i] / 4 + o.size)); copied += o.size * 4; }
    });
    countCopied(copied);
    job.finish?.(heap, ptrs.map((p, i) => (operands[i] ? p / 4 : -1)), chunks);
    return true;
  } finally {
    releaseScratch(h, scratch);
  }
}

