/// <reference types="@webgpu/types" />
// Storage buffers: created (inside an out-of-memory error scope) or taken from the pool, uploaded
// to, handed back, and counted. Storages dropped without free() are reclaimed through a
// FinalizationRegistry and counted as leaks.
import type { Backend } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import { BufferPool, bucketBytes } from './pool.js';
import type { CommandQueue } from './queue.js';
import { GpuStorage } from './storage.js';

const BUFFER_COPY_SRC = 4, BUFFER_COPY_DST = 8, BUFFER_STORAGE = 128;
export const STORAGE_USAGE = BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST;

export interface WebGPUMemory {
  /** Live storages (tensors' buffers) and their bytes. */
  buffers: number;
  bytes: number;
  /** Freed buffers kept for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
  /** Every GPU buffer the backend holds (live, pooled, staging, uniforms) and their bytes. */
  gpuBuffers: number;
  gpuBytes: number;
  /** Storages garbage-collected without free(): a leak in the caller, recovered late. */
  leaked: number;
}

interface Held { buffer: GPUBuffer; capacity: number; bytes: number }

export class BufferStore {
  private readonly pool = new BufferPool((capacity) => this.forget(capacity));
  private live = 0;
  private liveBytes = 0;
  private gpuBuffers = 0;
  private gpuBytes = 0;
  private leaked = 0;
  private readonly pendingChecks = new Set<Promise<void>>();
  private readonly leaks = new FinalizationRegistry<Held>((h) => this.reclaim(h));
  /** Set once the device is gone: buffers are no longer pooled. */
  closed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly backend: Backend,
    private readonly queue: CommandQueue,
    private readonly poolBytes: number,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Counts a buffer the backend keeps for itself (flags, uniforms) in gpuBuffers / gpuBytes. */
  count(bytes: number): void {
    this.gpuBuffers++;
    this.gpuBytes += bytes;
  }

  private forget(capacity: number): void {
    this.gpuBuffers--;
    this.gpuBytes -= capacity;
  }

  private createBuffer(capacity: number, mapped: boolean, what: string): GPUBuffer {
    this.device.pushErrorScope('out-of-memory');
    let buffer: GPUBuffer;
    try {
      buffer = this.device.createBuffer({ label: 'llm-tensor', size: capacity, usage: STORAGE_USAGE, mappedAtCreation: mapped });
    } finally {
      const check = this.device.popErrorScope().then(
        (err) => {
          if (!err) return;
          const m = this.memory();
          this.onError(new Error(
            `webgpu: out of GPU memory allocating a ${capacity}-byte buffer for ${what} (${m.buffers} live buffers of ${m.bytes} bytes, ${m.pooledBytes} bytes pooled): ` +
              `${err.message}. Dispose tensors you no longer need (tidy / dispose) or use smaller batches.`,
          ));
        },
        () => {},
      );
      this.pendingChecks.add(check);
      void check.finally(() => this.pendingChecks.delete(check));
    }
    this.gpuBuffers++;
    this.gpuBytes += capacity;
    return buffer;
  }

  /** Resolves once the GPU has judged every allocation so far (errors go to onError). */
  async settled(): Promise<void> {
    if (this.pendingChecks.size) await Promise.all(this.pendingChecks);
  }

  /** A storage of `size` elements: zero-filled, or holding `upload`. */
  create(size: number, dtype: DType, upload: TypedArray | null): GpuStorage {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`webgpu alloc: invalid size ${size}`);
    const bytes = Math.max(4, size * 4);
    const max = this.device.limits.maxBufferSize;
    if (bytes > max) throw new RangeError(`webgpu alloc: ${size} ${dtype} elements (${bytes} bytes) exceed the device's maxBufferSize of ${max} bytes`);
    const capacity = bucketBytes(bytes, max);
    const writes = upload !== null && upload.length > 0;
    // uploads only get buffers no pending command reads (see pool.ts)
    const pooled = this.pool.take(capacity, upload !== null);
    const buffer = pooled ?? this.createBuffer(capacity, writes, `${size} ${dtype} elements`);
    if (writes) {
      const src = new Uint8Array(upload.buffer, upload.byteOffset, upload.byteLength);
      if (pooled) {
        this.device.queue.writeBuffer(buffer, 0, upload.buffer as ArrayBuffer, upload.byteOffset, upload.byteLength);
        this.queue.wrote();
      } else {
        new Uint8Array(buffer.getMappedRange(0, upload.byteLength)).set(src);
        buffer.unmap();
      }
    }
    // WebGPU zeroes new buffers; a pooled one is zeroed lazily, only if something reads it first
    const s = new GpuStorage(this.backend, size, dtype, buffer, capacity, pooled !== null && upload === null);
    this.live++;
    this.liveBytes += size * 4;
    this.leaks.register(s, { buffer, capacity, bytes: size * 4 }, s);
    return s;
  }

  /** Back to the pool (idempotent). Commands already encoded may still use the buffer: that is fine. */
  release(s: GpuStorage): void {
    if (s.freed) return;
    s.freed = true;
    this.leaks.unregister(s);
    this.live--;
    this.liveBytes -= s.size * 4;
    if (!this.closed) this.pool.give(s.buffer, s.capacity);
  }

  private reclaim(h: Held): void {
    this.leaked++;
    this.live--;
    this.liveBytes -= h.bytes;
    if (!this.closed) this.pool.give(h.buffer, h.capacity);
  }

  /** After each submit: pooled buffers are clean; trims the pool to its budget. */
  submitted(): void {
    this.pool.submitted(this.poolBytes);
  }

  /** Destroys the pool's buffers (right after a submit). */
  close(): void {
    this.pool.clear();
    this.closed = true;
  }

  memory(): WebGPUMemory {
    return {
      buffers: this.live, bytes: this.liveBytes,
      pooledBuffers: this.pool.buffers, pooledBytes: this.pool.bytes,
      gpuBuffers: this.gpuBuffers + this.queue.staging.buffers, gpuBytes: this.gpuBytes + this.queue.staging.bytes,
      leaked: this.leaked,
    };
  }
}
