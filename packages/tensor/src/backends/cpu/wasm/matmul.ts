// The CPU backend's matmul: WebAssembly SIMD (relaxed-SIMD FMA where the engine has it), split
// over worker threads in Node, with a plain-JS kernel as the fallback before/without WebAssembly.
// Every call copies its operands into the module's memory and the result back out, so callers
// pass ordinary Float32Arrays.
import { type MatmulArgs, checkMatmulArgs } from './args.js';
import { CTL_BYTE_OFFSET, FIELD_COUNT, Field, Flag, PAGE_BYTES, WORK_BYTE_OFFSET, align64, workBytes } from './job.js';
import { matmulJs } from './js-kernel.js';
import { BLOCKING, planChunks } from './plan.js';
import { type GemmInstance, type KernelKind, instantiateAsync, instantiateSync, nodeBuiltin } from './runtime.js';
import { GemmThreadPool } from './threads.js';
import { profileAdd, profiling } from '../../../profile.js';
import { residentMatrix, resetResident, scratchStart, withScratch } from './resident.js';

export type { MatmulArgs } from './args.js';
export type MatmulKernel = 'auto' | KernelKind | 'js';

let wanted: MatmulKernel = 'auto';
let gemm: GemmInstance | null = null;
let pool: GemmThreadPool | null = null;
let loadError: unknown = null; // why the WASM kernel could not load synchronously
let threads = defaultThreads();

function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  const cores = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
  return Math.max(1, Math.min(8, cores));
}

function adopt(instance: GemmInstance): void {
  pool?.terminate();
  resetResident(); // a new module has a new memory
  gemm = instance;
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

export function matmulInfo(): { simd: boolean; relaxedSimd: boolean; threads: number } {
  const g = kernel();
  return { simd: g !== null, relaxedSimd: g?.kind === 'relaxed', threads: g && pool ? threads : 1 };
}

/** End of the per-thread workspaces: what lies above is the kept matrices, then per-call scratch. */
function scratchBase(): number {
  return WORK_BYTE_OFFSET + Math.max(1, threads) * workBytes(BLOCKING);
}

/** End of the workspaces, for the other kernels: their operands go above it and the kept matrices (resident.ts withScratch). */
export function kernelWorkEnd(): number {
  return scratchBase();
}

/** The loaded WASM module with its thread pool and thread count, for the other kernels (null without WebAssembly). */
export function wasmContext(): { g: GemmInstance; pool: GemmThreadPool | null; threads: number } | null {
  const g = kernel();
  return g ? { g, pool, threads } : null;
}

/** Chunks of matmul jobs that worker threads ran (0 without workers). */
export function matmulThreadStats(): { workerChunks: number } {
  return { workerChunks: pool?.workerChunks ?? 0 };
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
  if (g) matmulWasm(g, args);
  else if (args.bias) {
    const bias = args.bias;
    matmulJs({ ...args, bias: undefined });
    for (let r = 0, o = outOffset; r < batch * m; r++) for (let j = 0; j < n; j++, o++) out[o] += bias[j];
  } else matmulJs(args);
}

function matmulWasm(g: GemmInstance, x: MatmulArgs): void {
  const { batch, m, k, n } = x;
  const plan = planChunks(pool ? threads : 1, batch, m, k, n);
  const active = plan.nChunks > 1 ? threads - 1 : 0;
  if (pool && pool.size < active) pool.resize(active);
  // memory: [ctl][workspace per thread][kept B matrices (resident.ts)][A batches][B batches][C]
  const aCount = x.aBatchStride === 0 ? 1 : batch, bCount = x.bBatchStride === 0 ? 1 : batch;
  const timed = profiling();
  let t0 = timed ? performance.now() : 0;
  const workSize = workBytes(BLOCKING);
  const workEnd = scratchBase();
  scratchStart(workEnd); // first: a changed thread count empties the kept region before it is used
  let kept = x.bResident && bCount === 1 ? residentMatrix(g.memory, x.b, x.bOffset, k * n, x.bResident) : -1;
  const { aPtr, bPtr, cPtr } = withScratch(workEnd, (aPtr) => {
    if (kept >= aPtr) kept = -1; // the kept region was emptied to make room: B is copied like the rest
    const bPtr = kept >= 0 ? kept : aPtr + align64(aCount * m * k * 4);
    const cPtr = kept >= 0 ? aPtr + align64(aCount * m * k * 4) : bPtr + align64(bCount * k * n * 4);
    ensureBytes(g.memory, cPtr + batch * m * n * 4);
    return { aPtr, bPtr, cPtr };
  });

  const { heap, ctl } = memoryViews(g.memory);
  copyMatrices(heap, aPtr, x.a, x.aOffset, x.aBatchStride, aCount, m * k);
  if (kept < 0) copyMatrices(heap, bPtr, x.b, x.bOffset, x.bBatchStride, bCount, k * n);
  const cLen = batch * m * n;
  if (x.accumulate) heap.set(x.out.subarray(x.outOffset, x.outOffset + cLen), cPtr / 4);
  else if (x.bias) for (let r = 0, at = cPtr / 4; r < batch * m; r++, at += n) heap.set(x.bias, at); // the GEMM adds onto it
  let copyMs = timed ? performance.now() - t0 : 0;

  ctl[Field.KIND] = 0;
  ctl[Field.A] = aPtr; ctl[Field.A_BATCH_STRIDE] = aCount === 1 ? 0 : m * k * 4;
  ctl[Field.B] = bPtr; ctl[Field.B_BATCH_STRIDE] = bCount === 1 ? 0 : k * n * 4;
  ctl[Field.C] = cPtr;
  ctl[Field.BATCH] = batch; ctl[Field.M] = m; ctl[Field.K] = k; ctl[Field.N] = n;
  ctl[Field.FLAGS] = (x.transA ? Flag.TRANS_A : 0) | (x.transB ? Flag.TRANS_B : 0) | (x.accumulate || x.bias ? Flag.ACCUMULATE : 0);
  ctl[Field.BATCH_PER_CHUNK] = plan.batchPerChunk;
  ctl[Field.TILES_M] = plan.tilesM; ctl[Field.TILES_N] = plan.tilesN;
  ctl[Field.TILE_M] = plan.tileM; ctl[Field.TILE_N] = plan.tileN;
  ctl[Field.BLOCK_MC] = BLOCKING.mc; ctl[Field.BLOCK_KC] = BLOCKING.kc; ctl[Field.BLOCK_NC] = BLOCKING.nc;
  ctl[Field.WORK_BASE] = WORK_BYTE_OFFSET; ctl[Field.WORK_SIZE] = workSize;

  const runChunk = (chunk: number) => g.gemmChunk(CTL_BYTE_OFFSET, chunk, WORK_BYTE_OFFSET);
  if (pool && active > 0) pool.run(ctl, plan.nChunks, active, runChunk);
  else for (let c = 0; c < plan.nChunks; c++) runChunk(c);

  // the memory may have grown in the meantime only through us, so `heap` is still current
  if (timed) t0 = performance.now();
  x.out.set(heap.subarray(cPtr / 4, cPtr / 4 + cLen), x.outOffset);
  if (timed) {
    copyMs += performance.now() - t0;
    profileAdd('matmul copies (part)', copyMs);
  }
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

export function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  } catch (e) {
    throw new RangeError(`@llm/tensor cpu kernels: need ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, which could not be allocated (${String(e)})`);
  }
}

function copyMatrices(heap: Float32Array, ptr: number, src: Float32Array, offset: number, stride: number, count: number, size: number): void {
  const at = ptr / 4;
  if (count === 1 || stride === size) heap.set(src.subarray(offset, offset + count * size), at);
  else for (let t = 0; t < count; t++) heap.set(src.subarray(offset + t * stride, offset + t * stride + size), at + t * size);
}
