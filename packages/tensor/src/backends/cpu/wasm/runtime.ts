// Loading the GEMM module: which variant (relaxed-SIMD FMA or plain SIMD, shared or unshared
// memory) this engine can run, and a memory to instantiate it with. Browser-safe: Node's
// built-ins are reached through process.getBuiltinModule, never a top-level `node:` import.
import { gemmWasmBase64 } from './kernels.generated.js';

export type KernelKind = 'simd' | 'relaxed';

export interface GemmInstance {
  kind: KernelKind;
  shared: boolean;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The most the memory can grow to (its declared maximum). */
  maxBytes: number;
  gemmChunk: (ctl: number, chunk: number, work: number) => void;
  /** Any job's chunk: the GEMM or an ops kernel, by the descriptor's KIND field. */
  runChunk: (ctl: number, chunk: number, work: number) => void;
}

/** A Node built-in module, or undefined outside Node (or on a Node without getBuiltinModule). */
export function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

const bytesCache = new Map<string, Uint8Array<ArrayBuffer>>();
function variantBytes(kind: KernelKind, shared: boolean): Uint8Array<ArrayBuffer> {
  const key = `${kind}${shared ? 'Shared' : 'Unshared'}` as keyof typeof gemmWasmBase64;
  let bytes = bytesCache.get(key);
  if (!bytes) {
    const bin = atob(gemmWasmBase64[key]);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    bytesCache.set(key, bytes);
  }
  return bytes;
}

let relaxedSupport: boolean | undefined;
/**
 * Whether this engine runs relaxed SIMD. Node 20's V8 has it behind a flag that can still be set
 * at run time (NODE_OPTIONS refuses it); newer engines ship it on.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport !== undefined) return relaxedSupport;
  const bytes = variantBytes('relaxed', false);
  relaxedSupport = WebAssembly.validate(bytes);
  if (!relaxedSupport) {
    const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>('node:v8');
    if (v8) {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSupport = WebAssembly.validate(bytes);
    }
  }
  return relaxedSupport;
}

export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(variantBytes('simd', false));
}

/**
 * Whether this is a browser's Web Worker that can start Web Workers sharing memory with it: the
 * page is cross-origin isolated (SharedArrayBuffer), and a worker, unlike a page's own thread, may
 * block in Atomics.wait while its helpers compute.
 */
export function canUseWebWorkers(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; WorkerGlobalScope?: unknown };
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.WorkerGlobalScope === 'function';
}

/** Shared memory (needed by worker threads) only where threads can be used: Node's worker_threads or Web Workers. */
export function canUseSharedMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (nodeBuiltin('node:worker_threads') !== undefined || canUseWebWorkers());
}

function createMemory(shared: boolean): { memory: WebAssembly.Memory; maxBytes: number } {
  let lastError: unknown;
  // a large maximum only reserves address space; retry smaller where even that is refused
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return { memory: new WebAssembly.Memory({ initial: 1, maximum, shared }), maxBytes: maximum * 65536 };
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`matmul: cannot create WebAssembly memory (shared: ${shared}): ${String(lastError)}`);
}

function pickKind(want: KernelKind | 'auto'): KernelKind {
  if (want === 'relaxed' && !relaxedSimdSupported()) throw new Error('matmul: relaxed SIMD was requested but this engine does not support it');
  if (want !== 'auto') return want;
  return relaxedSimdSupported() ? 'relaxed' : 'simd';
}

function wrap(kind: KernelKind, shared: boolean, module: WebAssembly.Module, { memory, maxBytes }: ReturnType<typeof createMemory>,
  instance: WebAssembly.Instance): GemmInstance {
  const gemmChunk = instance.exports.gemmChunk as GemmInstance['gemmChunk'];
  const runChunk = instance.exports.runChunk as GemmInstance['runChunk'];
  return { kind, shared, module, memory, maxBytes, gemmChunk, runChunk };
}

/** Synchronous compile: fine in Node and workers; browsers' main threads refuse modules over 4 KB. */
export function instantiateSync(want: KernelKind | 'auto'): GemmInstance {
  const kind = pickKind(want), shared = canUseSharedMemory();
  const module = new WebAssembly.Module(variantBytes(kind, shared));
  const mem = createMemory(shared);
  return wrap(kind, shared, module, mem, new WebAssembly.Instance(module, { env: { memory: mem.memory } }));
}

export async function instantiateAsync(want: KernelKind | 'auto'): Promise<GemmInstance> {
  const kind = pickKind(want), shared = canUseSharedMemory();
  const module = await WebAssembly.compile(variantBytes(kind, shared));
  const mem = createMemory(shared);
  return wrap(kind, shared, module, mem, await WebAssembly.instantiate(module, { env: { memory: mem.memory } }));
}
