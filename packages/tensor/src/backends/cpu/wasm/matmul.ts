// The CPU backend's matmul: WebAssembly SIMD (relaxed-SIMD FMA where the engine has it), split
// over worker threads in Node, with a plain-JS kernel as the fallback before/without WebAssembly.
// Operands that live in the kernels' memory (heap.ts: CPU storages do, where it is shared) are
// read and written in place; any other Float32Array is copied in, and the result back out.
import { type MatmulArgs, checkMatmulArgs } from './args.js';
import { CTL_BYTE_OFFSET, FIELD_COUNT, Field, Flag, WORK_BYTE_OFFSET, align64, workBytes } from './job.js';
import { matmulJs } from './js-kernel.js';
import { BLOCKING, planChunks, planStrassen } from './plan.js';
import { type GemmInstance, type KernelKind, instantiateAsync, instantiateSync, nodeBuiltin } from './runtime.js';
import { GemmThreadPool } from './threads.js';
import { profileAdd, profiling } from '../../../profile.js';
import { Heap, type HeapStats } from './heap.js';
import { releaseScratch, residentMatrix, resetResident, takeScratch } from './resident.js';

export type { MatmulArgs } from './args.js';
export type MatmulKernel = 'auto' | KernelKind | 'js';

let wanted: MatmulKernel = 'auto';
let gemm: GemmInstance | null = null;
let pool: GemmThreadPool | null = null;
let loadError: unknown = null; // why the WASM kernel could not load synchronously
let threads = defaultThreads();
let heap: Heap | null = null;
let heapLimit = Number.POSITIVE_INFINITY;
/** The threads' workspaces: one block of `threads` workspaces, remade when the count changes. */
let work: { ptr: number; threads: number } | null = null;

function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  const cores = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
  return Math.max(1, Math.min(8, cores));
}

function adopt(instance: GemmInstance): void {
  pool?.terminate();
  gemm = instance;
  heap = new Heap(instance.memory, WORK_BYTE_OFFSET, Math.min(heapLimit, instance.maxBytes));
  work = null;
  resetResident(heap); // a new module has a new memory
  pool = GemmThreadPool.create(instance);
  loadError = null;
}

/** Loads the WASM kernel synchronously on first use; on failure matmuls run in JS. */
function kernel(): GemmInstance | null {
  if (gemm || wanted === 'js' || loadError) return gemm;
  try {
    adopt(instantiateSync(wanted));
  } catch (e) {
    loadError = e;
  }
  return gemm;
}

/**
 * Compiles the WASM kernel asynchronously. Needed once in browsers, whose main thread refuses to
 * compile the module synchronously; until it resolves matmuls use the JS kernel. Node needs no call.
 */
export async function initMatmul(): Promise<void> {
  if (gemm || wanted === 'js') return;
  adopt(await instantiateAsync(wanted));
}

/** Chooses the kernel: 'auto' (relaxed SIMD if supported, else SIMD), 'relaxed', 'simd' or 'js'. */
export function setMatmulKernel(kind: MatmulKernel): void {
  pool?.terminate();
  wanted = kind;
  gemm = null;
  pool = null;
  loadError = null;
  if (kind === 'relaxed' || kind === 'simd') {
    adopt(instantiateSync(kind)); // an explicit request fails loudly
  }
}

/**
 * Threads used for large matmuls (main thread included); 1 disables workers. Workers start on
 * first need; lowering the count leaves the extra ones asleep rather than tearing them down.
 */
export function setMatmulThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setMatmulThreads: expected an integer >= 1, got ${n}`);
  threads = n;
}

let strassenMinDim = 512;
/**
 * Products whose m, k and n are all at least `minDim` (one matrix, even k) run as Strassen's seven
 * half-size products instead of eight (7/8 of the multiply-adds; default 512). The rounding error
 * is about twice the plain product's (the sums of blocks are rounded too). Infinity turns it off.
 */
export function setMatmulStrassen(minDim: number): void {
  if (!(minDim >= 2)) throw new RangeError(`setMatmulStrassen: expected a minimum size >= 2 (Infinity: off), got ${minDim}`);
  strassenMinDim = minDim;
}

export function matmulInfo(): { simd: boolean; relaxedSimd: boolean; threads: number } {
  const g = kernel();
  return { simd: g !== null, relaxedSimd: g?.kind === 'relaxed', threads: g && pool ? threads : 1 };
}

/**
 * Caps the WebAssembly memory the CPU kernels and tensors' storages may use (default: as much as
 * the memory can grow to, 4 GiB in 32-bit WebAssembly). Storages stop a quarter of the cap (at most
 * 512 MiB) below it, which is left for kernels' scratch; past that, new storages are plain arrays
 * that each kernel call copies in and out (slower, and tested).
 */
export function setHeapLimit(bytes: number): void {
  if (!(bytes > 0)) throw new RangeError(`setHeapLimit: expected a positive number of bytes, got ${bytes}`);
  heapLimit = bytes;
  if (heap && gemm) heap.limit = Math.min(bytes, gemm.maxBytes);
}

/** What the kernels' heap holds (bytes in use, free for reuse, claimed), and its limit; null before WebAssembly loads. */
export function heapStats(): (HeapStats & { limit: number; shared: boolean }) | null {
  return heap && gemm ? { ...heap.stats(), limit: heap.limit, shared: gemm.shared } : null;
}

/**
 * The heap tensors' float32 storages live in: only a shared memory's (an unshared memory's buffer
 * is replaced when it grows, which would detach every view of it). Null otherwise.
 */
export function storageHeap(): Heap | null {
  const g = kernel();
  return g?.shared ? heap : null;
}

/**
 * Bytes that storages leave free below the heap's limit, for the scratch of kernels whose operands
 * are plain arrays (storages past the limit): a GPT-2 logits product copies ~260 MB. A call whose
 * scratch still does not fit computes without WebAssembly.
 */
export function storageReserve(h: Heap): number {
  return Math.min(2 ** 29, h.limit / 4);
}

/** Byte address of the workspaces of `threads` threads (thread t's at + t * workBytes). */
function workspaces(h: Heap): number {
  const t = Math.max(1, threads);
  if (work?.threads !== t) {
    if (work) h.release(work.ptr, work.threads * workBytes(BLOCKING));
    const ptr = h.alloc(t * workBytes(BLOCKING));
    if (ptr < 0) throw new RangeError(`@llm/tensor cpu kernels: no WebAssembly memory left for ${t} threads' workspaces`);
    work = { ptr, threads: t };
  }
  return work.ptr;
}

/** The loaded WASM module with its heap, thread pool, thread count and workspaces, for the other kernels (null without WebAssembly). */
export function wasmContext(): { g: GemmInstance; heap: Heap; pool: GemmThreadPool | null; threads: number; work: number } | null {
  const g = kernel();
  if (!g || !heap) return null;
  return { g, heap, pool, threads, work: workspaces(heap) };
}

let strassenProducts = 0;
/** Chunks of matmul jobs that worker threads ran (0 without workers), and products run as Strassen's (setMatmulStrassen). */
export function matmulThreadStats(): { workerChunks: number; strassenProducts: number } {
  return { workerChunks: pool?.workerChunks ?? 0, strassenProducts };
}

/** out (batch, m, n) from outOffset = (or += with accumulate) A @ B for each batch matrix. */
export function matmulF32(args: MatmulArgs): void {
  checkMatmulArgs(args);
  const { batch, m, k, n, out, outOffset } = args;
  if (batch === 0 || m === 0 || n === 0) return;
  if (k === 0) {
    if (args.bias) for (let r = 0; r < batch * m; r++) out.set(args.bias, outOffset + r * n);
    else if (!args.accumulate) out.fill(0, outOffset, outOffset + batch * m * n);
    return;
  }
  const g = kernel();
  if (g && heap && matmulWasm(g, heap, args)) return;
  if (args.bias) {
    const bias = args.bias;
    matmulJs({ ...args, bias: undefined });
    for (let r = 0, o = outOffset; r < batch * m; r++) for (let j = 0; j < n; j++, o++) out[o] += bias[j];
  } else matmulJs(args);
}

/** Where an operand is in the heap: in place when it lives there, else at its copy in the call's scratch. */
interface Placed { ptr: number; batchStride: number }

/** False when the memory has no room for the copies of operands that are not in it. */
function matmulWasm(g: GemmInstance, h: Heap, x: MatmulArgs): boolean {
  const { batch, m, k, n } = x;
  const strassen = planStrassen(pool ? threads : 1, batch, m, k, n, strassenMinDim);
  const plan = strassen ?? planChunks(pool ? threads : 1, batch, m, k, n);
  const active = plan.nChunks > 1 ? threads - 1 : 0;
  if (pool && pool.size < active) pool.resize(active);
  const workBase = workspaces(h);
  const aCount = x.aBatchStride === 0 ? 1 : batch, bCount = x.bBatchStride === 0 ? 1 : batch;
  const aIn = h.owns(x.a), bIn = h.owns(x.b), cIn = h.owns(x.out), biasIn = !x.bias || h.owns(x.bias);
  const timed = profiling();
  let t0 = timed ? performance.now() : 0;
  // scratch: [A batches][B batches][C][bias], for the operands that are not in the heap (a kept B neither)
  let kept = !bIn && x.bResident && bCount === 1 ? residentMatrix(h, x.b, x.bOffset, k * n, x.bResident) : -1;
  const aBytes = aIn ? 0 : align64(aCount * m * k * 4), cBytes = (cIn ? 0 : align64(batch * m * n * 4)) + (biasIn ? 0 : align64(n * 4));
  const bBytes = () => (bIn || kept >= 0 ? 0 : align64(bCount * k * n * 4));
  let scratch = takeScratch(h, aBytes + bBytes() + cBytes);
  if (scratch?.dropped && kept >= 0) {
    // the kept B gave its room to the scratch: copy it like the rest
    releaseScratch(h, scratch);
    kept = -1;
    scratch = takeScratch(h, aBytes + bBytes() + cBytes);
  }
  if (!scratch) return false;
  try {
    const { heap: mem, ctl } = memoryViews(g.memory);
    const place = (src: Float32Array, offset: number, stride: number, count: number, size: number, inHeap: boolean, at: number): Placed => {
      if (inHeap) return { ptr: src.byteOffset + offset * 4, batchStride: stride * 4 };
      copyMatrices(mem, at, src, offset, stride, count, size);
      return { ptr: at, batchStride: count === 1 ? 0 : size * 4 };
    };
    const a = place(x.a, x.aOffset, x.aBatchStride, aCount, m * k, aIn, scratch.ptr);
    const b = kept >= 0 ? { ptr: kept, batchStride: 0 } : place(x.b, x.bOffset, x.bBatchStride, bCount, k * n, bIn, scratch.ptr + aBytes);
    const cLen = batch * m * n;
    const cPtr = cIn ? x.out.byteOffset + x.outOffset * 4 : scratch.ptr + aBytes + bBytes();
    if (x.accumulate && !cIn) mem.set(x.out.subarray(x.outOffset, x.outOffset + cLen), cPtr / 4);
    let biasPtr = 0;
    if (x.bias) {
      biasPtr = biasIn ? x.bias.byteOffset : scratch.ptr + aBytes + bBytes() + cBytes - align64(n * 4);
      if (!biasIn) mem.set(x.bias, biasPtr / 4);
    }
    let copyMs = timed ? performance.now() - t0 : 0;

    ctl[Field.KIND] = 0;
    ctl[Field.A] = a.ptr; ctl[Field.A_BATCH_STRIDE] = a.batchStride;
    ctl[Field.B] = b.ptr; ctl[Field.B_BATCH_STRIDE] = b.batchStride;
    ctl[Field.C] = cPtr;
    ctl[Field.BATCH] = batch; ctl[Field.M] = m; ctl[Field.K] = k; ctl[Field.N] = n;
    ctl[Field.FLAGS] = (x.transA ? Flag.TRANS_A : 0) | (x.transB ? Flag.TRANS_B : 0) | (x.accumulate ? Flag.ACCUMULATE : 0) | (x.bias ? Flag.BIAS : 0) | (strassen ? Flag.STRASSEN : 0);
    ctl[Field.BIAS] = biasPtr;
    ctl[Field.BATCH_PER_CHUNK] = plan.batchPerChunk;
    ctl[Field.TILES_M] = plan.tilesM; ctl[Field.TILES_N] = plan.tilesN;
    ctl[Field.TILE_M] = plan.tileM; ctl[Field.TILE_N] = plan.tileN;
    ctl[Field.BLOCK_MC] = BLOCKING.mc; ctl[Field.BLOCK_KC] = BLOCKING.kc; ctl[Field.BLOCK_NC] = BLOCKING.nc;
    ctl[Field.WORK_BASE] = workBase; ctl[Field.WORK_SIZE] = workBytes(BLOCKING);

    const runChunk = (chunk: number) => g.gemmChunk(CTL_BYTE_OFFSET, chunk, workBase);
    if (pool && active > 0) pool.run(ctl, plan.nChunks, active, runChunk);
    else for (let c = 0; c < plan.nChunks; c++) runChunk(c);

    if (!cIn) {
      if (timed) t0 = performance.now();
      x.out.set(mem.subarray(cPtr / 4, cPtr / 4 + cLen), x.outOffset);
      if (timed) copyMs += performance.now() - t0;
    }
    if (strassen) strassenProducts++;
    copiedBytes += (aIn ? 0 : aCount * m * k * 4) + (bIn || kept >= 0 ? 0 : bCount * k * n * 4) + (cIn ? 0 : cLen * 4 * (x.accumulate ? 2 : 1)) + (biasIn ? 0 : n * 4);
    if (timed && copyMs > 0) profileAdd('matmul copies (part)', copyMs);
    return true;
  } finally {
    releaseScratch(h, scratch);
  }
}

let copiedBytes = 0;
/** Bytes the kernels copied between plain arrays and the WebAssembly memory so far (0 growth when every operand lives in the heap). */
export function kernelCopiedBytes(): number {
  return copiedBytes;
}
/** Counts bytes that a kernel copied in or out (ops.ts). */
export function countCopied(bytes: number): void {
  copiedBytes += bytes;
}

let views: { buffer: ArrayBufferLike; heap: Float32Array; ctl: Int32Array; ctlF32: Float32Array } | null = null;
/** Views of the kernel's memory, remade only when it grew (or the kernel changed). */
export function memoryViews(memory: WebAssembly.Memory): { heap: Float32Array; ctl: Int32Array; ctlF32: Float32Array } {
  const buffer = memory.buffer;
  if (views?.buffer !== buffer) {
    views = { buffer, heap: new Float32Array(buffer), ctl: new Int32Array(buffer, CTL_BYTE_OFFSET, FIELD_COUNT), ctlF32: new Float32Array(buffer, CTL_BYTE_OFFSET, FIELD_COUNT) };
  }
  return views;
}

function copyMatrices(heap: Float32Array, ptr: number, src: Float32Array, offset: number, stride: number, count: number, size: number): void {
  const at = ptr / 4;
  if (count === 1 || stride === size) heap.set(src.subarray(offset, offset + count * size), at);
  else for (let t = 0; t < count; t++) heap.set(src.subarray(offset + t * stride, offset + t * stride + size), at + t * size);
}
