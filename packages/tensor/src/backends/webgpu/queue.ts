/// <reference types="@webgpu/types" />
// The command stream: dispatches go into one command encoder (one compute pass while only
// dispatches follow each other) and are submitted in batches: when a read needs the results,
// every `batchSize` dispatches, and at the end of the current synchronous run of JavaScript
// (a microtask), so the GPU starts while the caller awaits something.
//
// Uniform params live in one arena buffer, a 256-byte slot per dispatch, written by a single
// writeBuffer just before the submit that uses them. Reusing the arena in the next batch is safe:
// the queue runs that later writeBuffer after the earlier submit.
import type { CompiledKernel, KernelSpec } from './kernel.js';
import { BufferPool, bucketBytes } from './pool.js';

const BUFFER_MAP_READ = 1, BUFFER_COPY_DST = 8, BUFFER_UNIFORM = 64;
const MAP_MODE_READ = 1;

export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly slotBytes: number;
  private readonly arena: ArrayBuffer;
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly uniforms: GPUBuffer;
  private slot = 0;
  private pendingWrites = false;
  private scheduled = false;
  readonly staging = new BufferPool();
  /** Counters for tests and benchmarks. */
  readonly stats = { dispatches: 0, submits: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly batchSize: number,
    private readonly onSubmit: () => void,
  ) {
    this.slotBytes = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    this.arena = new ArrayBuffer(this.slotBytes * batchSize);
    this.u32 = new Uint32Array(this.arena);
    this.i32 = new Int32Array(this.arena);
    this.f32 = new Float32Array(this.arena);
    this.uniforms = device.createBuffer({ label: 'llm-uniforms', size: this.arena.byteLength, usage: BUFFER_UNIFORM | BUFFER_COPY_DST });
  }

  get uniformBytes(): number { return this.arena.byteLength; }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  dispatch(spec: KernelSpec, k: CompiledKernel, params: readonly number[], resources: GPUBufferBinding[], grid: readonly [number, number, number]): void {
    const words = this.slotBytes / 4;
    if (params.length > words) throw new Error(`webgpu ${spec.key}: ${params.length} params do not fit a ${this.slotBytes}-byte uniform slot`);
    const base = this.slot * words;
    spec.params.forEach(([, t], f) => {
      if (t === 'f32') this.f32[base + f] = params[f];
      else if (t === 'i32') this.i32[base + f] = params[f];
      else this.u32[base + f] = params[f];
    });
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.uniforms, offset: this.slot * this.slotBytes, size: this.slotBytes } }];
    resources.forEach((resource, j) => entries.push({ binding: j + 1, resource }));
    const bindGroup = this.device.createBindGroup({ layout: k.layout, entries });
    this.slot++;
    const pass = (this.pass ??= this.enc().beginComputePass());
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.stats.dispatches++;
    if (this.slot >= this.batchSize) this.submit();
    else this.schedule();
  }

  clearBuffer(buffer: GPUBuffer, bytes: number): void {
    this.endPass();
    this.enc().clearBuffer(buffer, 0, bytes);
    this.schedule();
  }

  copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.schedule();
  }

  /** After a queue.writeBuffer: Dawn keeps the staged data until a submit, so one must follow. */
  wrote(): void {
    this.pendingWrites = true;
    this.schedule();
  }

  get idle(): boolean {
    return this.encoder === null && !this.pendingWrites;
  }

  submit(): void {
    this.endPass();
    if (this.slot > 0) this.device.queue.writeBuffer(this.uniforms, 0, this.arena, 0, this.slot * this.slotBytes);
    const commands = this.encoder ? [this.encoder.finish()] : [];
    const needed = commands.length > 0 || this.pendingWrites || this.slot > 0;
    this.encoder = null;
    this.slot = 0;
    this.pendingWrites = false;
    if (needed) {
      this.device.queue.submit(commands);
      this.stats.submits++;
    }
    this.staging.submitted(64 * 2 ** 20);
    this.onSubmit();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.idle) this.submit();
    });
  }

  /** Copies each (buffer, bytes) back to the CPU, submitting everything encoded so far once. */
  async readBuffers(reads: readonly (readonly [GPUBuffer, number])[]): Promise<ArrayBuffer[]> {
    const staged = reads.map(([buffer, bytes]) => {
      const cap = bucketBytes(bytes, this.device.limits.maxBufferSize);
      const staging = this.staging.take(cap, false) ?? this.device.createBuffer({ label: 'llm-staging', size: cap, usage: BUFFER_MAP_READ | BUFFER_COPY_DST });
      this.copyBuffer(buffer, 0, staging, 0, bytes);
      return { staging, cap, bytes };
    });
    this.submit();
    const mapped = await Promise.allSettled(staged.map((s) => s.staging.mapAsync(MAP_MODE_READ, 0, s.bytes)));
    const failed = mapped.find((m): m is PromiseRejectedResult => m.status === 'rejected');
    if (failed) {
      for (const s of staged) s.staging.destroy();
      throw failed.reason;
    }
    return staged.map(({ staging, cap, bytes }) => {
      const out = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
      this.staging.give(staging, cap);
      return out;
    });
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.uniforms.destroy();
    this.staging.clear();
  }
}
