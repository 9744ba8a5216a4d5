/// <reference types="@webgpu/types" />
// A tensor's storage on the GPU, and what kernels need from the backend to run.
import type { Backend, Storage } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { KernelSpec } from './kernel.js';

export class GpuStorage implements Storage {
  freed = false;
  constructor(
    readonly backend: Backend,
    readonly size: number,
    readonly dtype: DType,
    readonly buffer: GPUBuffer,
    /** Bytes of `buffer` (its pool bucket), at least `bytes`. */
    readonly capacity: number,
    /** The buffer came from the pool: zero it before anything reads it (skipped if a kernel overwrites it all first). */
    public needsZero: boolean,
  ) {}

  /** Bytes that kernels bind: the elements, at least one word. */
  get bytes(): number {
    return Math.max(4, this.size * 4);
  }
}

/** What a kernel module asks of the backend. */
export interface Runner {
  /** Workgroups per grid dimension. */
  readonly maxGrid: number;
  /** Encodes one dispatch: `groups` workgroups (a count, spread over x/y), or an explicit grid. */
  run(spec: KernelSpec, buffers: readonly GpuStorage[], params: readonly number[], groups: number | readonly [number, number, number]): void;
  /** Scratch storage, handed back with release() once the dispatches that use it are encoded. */
  temp(size: number, dtype: DType): GpuStorage;
  release(s: GpuStorage): void;
}
