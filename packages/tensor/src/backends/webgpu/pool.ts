/// <reference types="@webgpu/types" />
// Freed GPU buffers, kept by size bucket for reuse. A buffer freed since the last submit may still
// be read by commands encoded but not yet submitted: it is "dirty". Later commands in the same
// encoder are ordered after those reads, so kernels may reuse a dirty buffer; queue.writeBuffer is
// not ordered with the encoder (it lands before the pending commands run), so uploads only get
// buffers that were freed before the last submit ("clean").

/** Sizes grow in quarter-octave steps (at most 25% slack), from 256 bytes. */
export function bucketBytes(bytes: number, maxBufferSize: number): number {
  const b = Math.max(bytes, 256);
  const step = 2 ** Math.floor(Math.log2(b)) / 4;
  const rounded = Math.ceil(b / step) * step;
  return rounded <= maxBufferSize ? rounded : Math.ceil(b / 4) * 4;
}

export class BufferPool {
  private readonly clean = new Map<number, GPUBuffer[]>();
  private dirty = new Map<number, GPUBuffer[]>();
  buffers = 0;
  bytes = 0;

  /** `onDestroy(capacity)` is told of each buffer the pool destroys. */
  constructor(private readonly onDestroy: (capacity: number) => void = () => {}) {}

  /** A pooled buffer of exactly `capacity` bytes, or null. Uploads pass clean = true. */
  take(capacity: number, clean: boolean): GPUBuffer | null {
    const buf = (!clean && this.dirty.get(capacity)?.pop()) || this.clean.get(capacity)?.pop() || null;
    if (buf) {
      this.buffers--;
      this.bytes -= capacity;
    }
    return buf;
  }

  give(buf: GPUBuffer, capacity: number): void {
    let list = this.dirty.get(capacity);
    if (!list) this.dirty.set(capacity, (list = []));
    list.push(buf);
    this.buffers++;
    this.bytes += capacity;
  }

  /** After a submit every pooled buffer is clean; destroys the oldest beyond `limitBytes`. */
  submitted(limitBytes: number): void {
    for (const [cap, list] of this.dirty) {
      let c = this.clean.get(cap);
      if (!c) this.clean.set(cap, (c = []));
      c.push(...list);
    }
    this.dirty = new Map();
    if (this.bytes <= limitBytes) return;
    // biggest buckets first: fewest destroys to get under the limit
    const caps = [...this.clean.keys()].sort((a, b) => b - a);
    for (const cap of caps) {
      const list = this.clean.get(cap)!;
      while (list.length && this.bytes > limitBytes) {
        list.shift()!.destroy();
        this.buffers--;
        this.bytes -= cap;
        this.onDestroy(cap);
      }
      if (this.bytes <= limitBytes) break;
    }
  }

  /** Destroys every pooled buffer: call right after a submit, when none is dirty. */
  clear(): void {
    this.submitted(0);
  }
}
