/// <reference types="@webgpu/types" />
// The WebGPU backend: storages are GPU buffers from a size-bucketed pool; kernels are WGSL
// (src/backends/webgpu/kernels) encoded into batched command buffers; read() is the only way back.
// Errors the GPU reports asynchronously (out of memory, an out-of-range index, validation, a lost
// device) are thrown by the next op or read.
import type { AdamWParams, Backend, BinaryOp, CausalRows, MatmulLayout, ReduceOp, Storage, UnaryOp, View } from '../../backend.js';
import { type DType, type TypedArray, typedArrayFor } from '../../dtype.js';
import { INDEX_OPS, type KernelSpec, PipelineCache } from './kernel.js';
import { adamw } from './kernels/adamw.js';
import { logSumExpRows, softmaxScaledRows } from './kernels/cross-entropy.js';
import { binary, copy, fill, gelu, geluBackward, unary, where } from './kernels/elementwise.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './kernels/indexing.js';
import { layerNormRows, layerNormRowsBackward } from './kernels/layer-norm.js';
import { matmul, type MatmulKind } from './kernels/matmul.js';
import { reduce } from './kernels/reduce.js';
import { softmaxRows, softmaxRowsBackward } from './kernels/softmax.js';
import { topk } from './kernels/topk.js';
import { BufferStore, STORAGE_USAGE, type WebGPUMemory } from './buffers.js';
import { CommandQueue } from './queue.js';
import { GpuStorage, type Runner } from './storage.js';

export interface WebGPUBackendConfig {
  name: string;
  adapterName: string;
  /** Bytes of one storage binding; bigger tensors are split (a multiple of 256). */
  bindingBytes: number;
  batchSize: number;
  poolBytes: number;
  matmul: MatmulKind;
  /** Workgroups per grid dimension (the device's limit, or less to exercise the 2-D grids in tests). */
  maxGrid: number;
  /** Called once when the device is lost or destroyed. */
  onLost?: () => void;
}

export type { WebGPUMemory };

export class WebGPUBackend implements Backend, Runner {
  readonly name: string;
  readonly adapterName: string;
  readonly matmulKind: MatmulKind;
  /** Elements per storage binding. */
  readonly chunkElems: number;
  readonly maxGrid: number;
  private readonly maxStorageBindings: number;
  private readonly queue: CommandQueue;
  private readonly pipelines: PipelineCache;
  private readonly buffers: BufferStore;
  /** (op code, index, size) of the first out-of-range index since the last check. */
  private readonly indexFlag: GPUBuffer;
  private indexFlagUsed = false;
  private lost: string | null = null;
  private pendingError: Error | null = null;
  private readonly onLost: () => void;

  constructor(readonly device: GPUDevice, config: WebGPUBackendConfig) {
    this.name = config.name;
    this.adapterName = config.adapterName;
    this.matmulKind = config.matmul;
    this.chunkElems = config.bindingBytes / 4;
    this.maxGrid = config.maxGrid;
    this.maxStorageBindings = device.limits.maxStorageBuffersPerShaderStage;
    this.onLost = config.onLost ?? (() => {});
    this.pipelines = new PipelineCache(device, this.chunkElems);
    this.queue = new CommandQueue(device, config.batchSize, () => this.buffers.submitted());
    this.buffers = new BufferStore(device, this, this.queue, config.poolBytes, (e) => (this.pendingError ??= e));
    this.indexFlag = device.createBuffer({ label: 'llm-index-flag', size: 16, usage: STORAGE_USAGE });
    this.buffers.count(16);
    this.buffers.count(this.queue.uniformBytes);
    void device.lost.then((info) => this.markLost(`${info.reason}: ${info.message || 'no message'}`));
    device.onuncapturederror = (ev) => {
      this.pendingError ??= new Error(`webgpu (${this.name}): the GPU reported an error: ${ev.error.message}`);
    };
  }

  // ---- errors ----

  private markLost(why: string): void {
    if (this.lost) return;
    this.lost = why;
    this.buffers.closed = true;
    this.onLost();
  }

  private check(op: string): void {
    if (this.lost) {
      throw new Error(
        `webgpu ${op}: the GPU device of backend '${this.name}' was lost (${this.lost}); its tensors are gone. ` +
          'Call initWebGPU() again for a new device, or use the CPU backend.',
      );
    }
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = null;
      throw e;
    }
  }

  private gpu(s: Storage, op: string): GpuStorage {
    if (!(s instanceof GpuStorage) || s.backend !== this) {
      throw new Error(`webgpu ${op}: storage belongs to backend '${s.backend.name}', not '${this.name}'`);
    }
    if (s.freed) throw new Error(`webgpu ${op}: storage of ${s.size} ${s.dtype} elements was already freed`);
    return s;
  }

  /** Waits for the GPU's verdict on earlier allocations and index checks; throws what it found. */
  private async settle(op: string, flagWords: Uint32Array | null): Promise<void> {
    await this.buffers.settled();
    if (flagWords && flagWords[0] !== 0) {
      this.queue.clearBuffer(this.indexFlag, 16);
      const opName = INDEX_OPS[flagWords[0]] ?? 'index op';
      throw new RangeError(`${opName}: index ${flagWords[1] | 0} is out of range for a dim of size ${flagWords[2]} (found on the GPU; reported by the next read)`);
    }
    this.check(op);
  }

  // ---- storage ----

  alloc(size: number, dtype: DType): Storage {
    this.check('alloc');
    return this.buffers.create(size, dtype, null);
  }

  fromArray(data: TypedArray): Storage {
    this.check('fromArray');
    return this.buffers.create(data.length, data instanceof Float32Array ? 'float32' : 'int32', data);
  }

  free(s: Storage): void {
    if (s instanceof GpuStorage && s.backend === this) this.buffers.release(s);
  }

  memory(): WebGPUMemory {
    return this.buffers.memory();
  }

  async read(s: Storage): Promise<TypedArray> {
    this.check('read');
    const st = this.gpu(s, 'read');
    const flag = this.indexFlagUsed;
    this.indexFlagUsed = false;
    let data: TypedArray;
    let flagWords: Uint32Array | null = null;
    try {
      if (st.size === 0 || st.needsZero) {
        data = typedArrayFor(st.dtype, st.size);
        if (flag) flagWords = new Uint32Array((await this.queue.readBuffers([[this.indexFlag, 16]]))[0]);
      } else {
        const reads: [GPUBuffer, number][] = [[st.buffer, st.size * 4]];
        if (flag) reads.push([this.indexFlag, 16]);
        const [bytes, flagBytes] = await this.queue.readBuffers(reads);
        data = st.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes);
        if (flagBytes) flagWords = new Uint32Array(flagBytes);
      }
    } catch (e) {
      this.check('read');
      throw new Error(`webgpu read: reading back ${st.size} ${st.dtype} elements failed: ${(e as Error).message}`);
    }
    await this.settle('read', flagWords);
    return data;
  }

  /** Submits the encoded work now (reads do this themselves). */
  flush(): void {
    if (!this.lost) this.queue.submit();
  }

  /** Waits until the GPU has finished everything submitted so far (for benchmarks). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.settle('sync', null);
  }

  /** Frees the pool, the pipelines and the device; later ops on this backend throw. */
  destroy(): void {
    if (this.lost) return;
    this.queue.submit();
    this.buffers.close();
    this.markLost('destroyed: destroy() was called');
    this.queue.destroy();
    this.device.destroy();
  }

  /** Dispatch counters and cache sizes, for tests and benchmarks. */
  stats(): { dispatches: number; submits: number; pipelines: number } {
    return { ...this.queue.stats, pipelines: this.pipelines.size };
  }

  // ---- Runner: what kernels use ----

  run(spec: KernelSpec, buffers: readonly GpuStorage[], params: readonly number[], groups: number | readonly [number, number, number]): void {
    this.check(spec.key);
    const grid: readonly [number, number, number] =
      typeof groups === 'number' ? [Math.min(groups, this.maxGrid), Math.ceil(groups / this.maxGrid), 1] : groups;
    if (grid[0] * grid[1] * grid[2] === 0) return;
    if (grid.some((d) => d > this.maxGrid)) throw new Error(`webgpu ${spec.key}: ${groups} workgroups exceed one dispatch (${this.maxGrid} per dimension)`);
    const bound = buffers.map((b, j) => this.bindable(spec, buffers, j));
    const chunks = bound.map((b) => Math.ceil(b.bytes / (this.chunkElems * 4)));
    const bindings = chunks.reduce((a, c) => a + c, 0) + (spec.indexCheck ? 1 : 0);
    if (bindings > this.maxStorageBindings) {
      throw new Error(
        `webgpu ${spec.key}: needs ${bindings} storage bindings (tensors over ${this.chunkElems * 4} bytes are split into several), ` +
          `the device allows ${this.maxStorageBindings}`,
      );
    }
    const resources: GPUBufferBinding[] = [];
    bound.forEach((b, j) => {
      const access = spec.buffers[j].access;
      if (b.needsZero) {
        if (access !== 'write') this.queue.clearBuffer(b.buffer, b.bytes);
        b.needsZero = false;
      }
      const chunkBytes = this.chunkElems * 4;
      for (let c = 0; c < chunks[j]; c++) {
        resources.push({ buffer: b.buffer, offset: c * chunkBytes, size: Math.min(chunkBytes, b.bytes - c * chunkBytes) });
      }
    });
    if (spec.indexCheck) {
      resources.push({ buffer: this.indexFlag, offset: 0, size: 16 });
      this.indexFlagUsed = true;
    }
    this.queue.dispatch(spec, this.pipelines.get(spec, chunks), params, resources, grid);
    bound.forEach((b, j) => { if (b !== buffers[j]) this.release(b); });
  }

  /**
   * The storage to bind for buffers[j]: itself, or for an input that the same dispatch also
   * writes (WebGPU forbids binding one buffer both ways), a copy taken before the dispatch.
   */
  private bindable(spec: KernelSpec, buffers: readonly GpuStorage[], j: number): GpuStorage {
    const s = this.gpu(buffers[j], spec.key);
    if (spec.buffers[j].access !== 'read') return s;
    const written = buffers.some((o, q) => o === s && spec.buffers[q].access !== 'read');
    if (!written) return s;
    const t = this.temp(s.size, s.dtype);
    if (s.needsZero) this.queue.clearBuffer(s.buffer, s.bytes), (s.needsZero = false);
    this.queue.copyBuffer(s.buffer, 0, t.buffer, 0, s.bytes);
    t.needsZero = false;
    return t;
  }

  temp(size: number, dtype: DType): GpuStorage {
    return this.buffers.create(size, dtype, null);
  }

  release(s: GpuStorage): void {
    this.buffers.release(s);
  }

  // ---- kernels ----

  copy(src: View, dst: View): void { copy(this, src, dst); }
  fill(dst: View, value: number): void { fill(this, dst, value); }
  unary(op: UnaryOp, x: View, out: Storage): void { unary(this, op, x, this.gpu(out, op)); }
  binary(op: BinaryOp, a: View, b: View, out: Storage): void { binary(this, op, a, b, this.gpu(out, op)); }
  where(cond: View, a: View, b: View, out: Storage): void { where(this, cond, a, b, this.gpu(out, 'where')); }

  reduce(op: ReduceOp, x: Storage, xOffset: number, outer: number, size: number, inner: number, out: Storage): void {
    reduce(this, op, this.gpu(x, op), xOffset, outer, size, inner, this.gpu(out, op));
  }

  matmul(a: Storage, b: Storage, out: Storage, layout: MatmulLayout): void {
    for (const [name, s] of [['a', a], ['b', b], ['out', out]] as const) {
      if (s.dtype !== 'float32') throw new TypeError(`webgpu matmul: ${name} must be float32, got ${s.dtype}`);
    }
    matmul(this, this.matmulKind, this.gpu(a, 'matmul'), this.gpu(b, 'matmul'), this.gpu(out, 'matmul'), layout);
  }

  indexSelect(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void {
    indexSelect(this, this.gpu(x, 'indexSelect'), this.index(index, 'indexSelect'), outer, size, inner, n, this.gpu(out, 'indexSelect'));
  }
  indexAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void {
    indexAdd(this, this.gpu(dst, 'indexAdd'), this.index(index, 'indexAdd'), this.gpu(src, 'indexAdd'), outer, size, inner, n);
  }
  gather(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void {
    gather(this, this.gpu(x, 'gather'), this.index(index, 'gather'), outer, size, inner, n, this.gpu(out, 'gather'));
  }
  scatterAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void {
    scatterAdd(this, this.gpu(dst, 'scatterAdd'), this.index(index, 'scatterAdd'), this.gpu(src, 'scatterAdd'), outer, size, inner, n);
  }
  topk(x: Storage, rows: number, cols: number, k: number, values: Storage, indices: Storage): void {
    topk(this, this.gpu(x, 'topk'), rows, cols, k, this.gpu(values, 'topk'), this.index(indices, 'topk'));
  }
  adamw(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamWParams): void {
    for (const [name, s] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) {
      if (s.dtype !== 'float32') throw new TypeError(`webgpu adamw: ${name} must be float32, got ${s.dtype}`);
    }
    adamw(this, this.gpu(param, 'adamw'), this.gpu(grad, 'adamw'), this.gpu(m, 'adamw'), this.gpu(v, 'adamw'), p);
  }

  // ---- fused kernels (all of FusedKernels but attention; each runs whenever asked) ----

  matmulBias(a: Storage, b: Storage, bias: Storage, biasOffset: number, out: Storage, layout: MatmulLayout): boolean {
    matmul(this, this.matmulKind, this.f32(a, 'linear'), this.f32(b, 'linear'), this.f32(out, 'linear'), layout, this.f32(bias, 'linear'), biasOffset);
    return true;
  }
  softmaxRows(x: Storage, xOffset: number, rows: number, n: number, scale: number, causal: CausalRows | null, out: Storage): boolean {
    softmaxRows(this, this.f32(x, 'softmax'), xOffset, rows, n, scale, causal, this.f32(out, 'softmax'));
    return true;
  }
  softmaxRowsBackward(y: Storage, g: Storage, gOffset: number, rows: number, n: number, scale: number, dx: Storage): boolean {
    softmaxRowsBackward(this, this.f32(y, 'softmax'), this.f32(g, 'softmax'), gOffset, rows, n, scale, this.f32(dx, 'softmax'));
    return true;
  }
  layerNormRows(x: Storage, xOffset: number, rows: number, n: number, w: Storage | null, b: Storage | null, eps: number,
    out: Storage, mean: Storage, rstd: Storage): boolean {
    const op = 'layerNorm';
    layerNormRows(this, this.f32(x, op), xOffset, rows, n, w && this.f32(w, op), b && this.f32(b, op), eps, this.f32(out, op), this.f32(mean, op), this.f32(rstd, op));
    return true;
  }
  layerNormRowsBackward(x: Storage, xOffset: number, w: Storage | null, g: Storage, gOffset: number, mean: Storage, rstd: Storage,
    rows: number, n: number, dx: Storage, dw: Storage | null, db: Storage | null): boolean {
    const op = 'layerNorm';
    layerNormRowsBackward(this, this.f32(x, op), xOffset, w && this.f32(w, op), this.f32(g, op), gOffset, this.f32(mean, op), this.f32(rstd, op),
      rows, n, this.f32(dx, op), dw && this.f32(dw, op), db && this.f32(db, op));
    return true;
  }
  logSumExpRows(x: Storage, xOffset: number, rows: number, n: number, lse: Storage): boolean {
    logSumExpRows(this, this.f32(x, 'crossEntropy'), xOffset, rows, n, this.f32(lse, 'crossEntropy'));
    return true;
  }
  softmaxScaledRows(x: Storage, xOffset: number, lse: Storage, scale: Storage, rows: number, n: number, out: Storage): boolean {
    const op = 'crossEntropy';
    softmaxScaledRows(this, this.f32(x, op), xOffset, this.f32(lse, op), this.f32(scale, op), rows, n, this.f32(out, op));
    return true;
  }
  gelu(x: Storage, xOffset: number, n: number, out: Storage): boolean {
    gelu(this, this.gpu(x, 'gelu'), xOffset, n, this.gpu(out, 'gelu'));
    return true;
  }
  geluBackward(x: Storage, xOffset: number, g: Storage, gOffset: number, n: number, dx: Storage): boolean {
    geluBackward(this, this.gpu(x, 'gelu'), xOffset, this.gpu(g, 'gelu'), gOffset, n, this.gpu(dx, 'gelu'));
    return true;
  }

  private f32(s: Storage, op: string): GpuStorage {
    if (s.dtype !== 'float32') throw new TypeError(`webgpu ${op}: expected a float32 tensor, got ${s.dtype}`);
    return this.gpu(s, op);
  }

  private index(s: Storage, op: string): GpuStorage {
    if (s.dtype !== 'int32') throw new TypeError(`${op}: expected an int32 index tensor, got ${s.dtype}`);
    return this.gpu(s, op);
  }
}
