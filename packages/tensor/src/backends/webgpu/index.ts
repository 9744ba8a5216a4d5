// initWebGPU(): finds a GPU (navigator.gpu, or Dawn via the `webgpu` package in Node, loaded
// only here, on demand), opens a device with the adapter's real limits and registers the backend.
// Importing @llm/tensor never loads Dawn.
import type { Backend } from '../../backend.js';
import { registerBackend } from '../../backends.js';
import { WebGPUBackend, type WebGPUMemory } from './backend.js';
import { describeAdapter, findGPU, isSoftwareAdapter, requestAdapter, requestDevice } from './device.js';
import type { MatmulKind } from './kernels/matmul.js';

export interface WebGPUOptions {
  /** Name to register the backend under (default 'webgpu'); other names give separate devices. */
  name?: string;
  powerPreference?: 'low-power' | 'high-performance';
  /**
   * Largest storage binding in bytes (default: the adapter's maxStorageBufferBindingSize). Tensors
   * larger than this are bound as several chunks; a small value exercises that path in tests.
   */
  maxBindingBytes?: number;
  /** Dispatches encoded before a submit (default 64). */
  batchSize?: number;
  /** Bytes of freed buffers kept for reuse (default 512 MiB). */
  poolBytes?: number;
  /** Matmul kernel: 'tiled' (workgroup memory), 'registers' (none), or 'auto' (registers on software adapters). */
  matmul?: MatmulKind | 'auto';
  /** Workgroups per dispatch dimension (default: the device's limit); tests lower it to exercise 2-D grids. */
  maxWorkgroupsPerDimension?: number;
  /** Dawn toggles for the `webgpu` package's create() in Node, e.g. ['enable-dawn-features=...']. */
  dawnFlags?: string[];
  /** Behave as if no GPU adapter were found (tests of the error path). */
  simulateNoAdapter?: boolean;
}

/** What initWebGPU() returns: a Backend, plus the GPU's own controls. */
export interface WebGPUBackendHandle extends Backend {
  /** Vendor / architecture / device / description of the adapter in use. */
  readonly adapterName: string;
  readonly matmulKind: MatmulKind;
  memory(): WebGPUMemory;
  /** Submits the encoded work now (reads do this themselves). */
  flush(): void;
  /** Waits until the GPU has finished all submitted work (benchmarks). */
  sync(): Promise<void>;
  /** Frees the device early; later ops on its tensors throw. */
  destroy(): void;
  stats(): { dispatches: number; submits: number; pipelines: number };
}

export type { WebGPUMemory };

const started = new Map<string, Promise<WebGPUBackend>>();

function checkOptions(opts: WebGPUOptions): void {
  const bad = (field: string, want: string, got: unknown) => new RangeError(`initWebGPU: ${field} must be ${want}, got ${String(got)}`);
  if (opts.maxBindingBytes !== undefined && !(opts.maxBindingBytes >= 256)) throw bad('maxBindingBytes', 'at least 256', opts.maxBindingBytes);
  if (opts.batchSize !== undefined && !(Number.isInteger(opts.batchSize) && opts.batchSize >= 1)) throw bad('batchSize', 'a positive integer', opts.batchSize);
  if (opts.poolBytes !== undefined && !(opts.poolBytes >= 0)) throw bad('poolBytes', 'non-negative', opts.poolBytes);
  const grid = opts.maxWorkgroupsPerDimension;
  if (grid !== undefined && !(Number.isInteger(grid) && grid >= 1)) throw bad('maxWorkgroupsPerDimension', 'a positive integer', grid);
  if (opts.matmul !== undefined && !['auto', 'tiled', 'registers'].includes(opts.matmul)) throw bad('matmul', "'auto', 'tiled' or 'registers'", opts.matmul);
}

async function start(opts: WebGPUOptions, name: string, onLost: () => void): Promise<WebGPUBackend> {
  checkOptions(opts);
  const gpu = await findGPU(opts.dawnFlags);
  const adapter = await requestAdapter(gpu, opts);
  const device = await requestDevice(adapter);
  const limit = device.limits.maxStorageBufferBindingSize;
  // a multiple of 256 bytes, so every chunk's binding offset is aligned
  const bindingBytes = Math.floor(Math.min(opts.maxBindingBytes ?? limit, limit) / 256) * 256;
  const matmul = !opts.matmul || opts.matmul === 'auto' ? (isSoftwareAdapter(adapter) ? 'registers' : 'tiled') : opts.matmul;
  const backend = new WebGPUBackend(device, {
    name,
    adapterName: describeAdapter(adapter),
    bindingBytes,
    batchSize: opts.batchSize ?? 64,
    poolBytes: opts.poolBytes ?? 512 * 2 ** 20,
    matmul,
    maxGrid: Math.min(opts.maxWorkgroupsPerDimension ?? Infinity, device.limits.maxComputeWorkgroupsPerDimension),
    onLost,
  });
  registerBackend(backend);
  return backend;
}

/**
 * Starts the WebGPU backend and registers it (as 'webgpu' unless `opts.name` says otherwise);
 * `setBackend('webgpu')` then makes it the default for new tensors. Calling it again with the
 * same name returns the same backend. Throws a clear error when there is no adapter.
 */
export async function initWebGPU(opts: WebGPUOptions = {}): Promise<WebGPUBackendHandle> {
  const name = opts.name ?? 'webgpu';
  let p = started.get(name);
  if (!p) {
    // a failed start, a lost device or a destroyed backend: the next call starts afresh
    const forget = () => { if (started.get(name) === p) started.delete(name); };
    p = start(opts, name, forget);
    started.set(name, p);
    p.catch(forget);
  }
  return p;
}
