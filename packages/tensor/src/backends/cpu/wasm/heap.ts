// The kernels' WebAssembly memory as a heap. CPU tensors' float32 storages live here where the
// memory is shared (views of a shared memory stay valid when it grows; an unshared memory's old
// views would be detached), and so do the threads' workspaces, kept matrices and per-call scratch.
// A kernel reads and writes a storage that lives here in place: nothing is copied per call.
//
// Blocks come in size classes (multiples of 64 bytes up to 4 KiB, then 8 classes per power of two
// up to 4 MiB, so at most 12.5% is lost to rounding, then multiples of 64 KiB). A freed block waits on its class's list for the next
// request of that class: a training step asks for the same sizes every time. WebAssembly cannot
// give pages back, so the memory never shrinks; `limit` caps it, and past the cap (or the 4 GiB of
// a 32-bit memory) `alloc` answers -1 and the caller keeps its data somewhere else.
import { PAGE_BYTES, align64 } from './job.js';

/** Above this, classes are 64 KiB apart (at most 1.6% lost): the largest tensors (embeddings, logits) are few, and each size recurs. */
const FINE_ABOVE = 4 * 2 ** 20;
const FINE_STEP = 65536;

/** The size class a request of `bytes` is served from. */
export function classBytes(bytes: number): number {
  const b = Math.max(64, align64(bytes));
  if (b <= 4096) return b;
  if (b > FINE_ABOVE) return Math.ceil(b / FINE_STEP) * FINE_STEP;
  const step = 2 ** Math.floor(Math.log2(b)) / 8;
  return Math.ceil(b / step) * step;
}

/** The largest size class not above `bytes` (a multiple of 64, at least 64). */
function largestClassBelow(bytes: number): number {
  if (bytes <= 4096) return bytes;
  if (bytes > FINE_ABOVE) return Math.max(FINE_ABOVE, Math.floor(bytes / FINE_STEP) * FINE_STEP);
  const p = 2 ** Math.floor(Math.log2(bytes)), step = p / 8;
  return Math.floor(bytes / step) * step;
}

export interface HeapStats {
  /** Bytes of blocks handed out and not yet released. */
  used: number;
  /** Bytes of released blocks waiting for reuse. */
  free: number;
  /** End of the highest block ever handed out: the memory the heap has claimed. */
  top: number;
}

export class Heap {
  private top: number;
  /** Memory from here up was never handed out: still zero. */
  private clean: number;
  private readonly lists = new Map<number, number[]>();
  private usedBytes = 0;
  private freeBytes = 0;
  /** Every buffer object the memory has had (a new one after each grow): a view over one of them is ours. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private current: ArrayBufferLike;

  constructor(readonly memory: WebAssembly.Memory, base: number, public limit = Number.POSITIVE_INFINITY) {
    this.top = this.clean = align64(base);
    this.current = memory.buffer;
    this.buffers.add(this.current);
  }

  /** The memory's buffer now (recorded, so views made over it are recognised as ours). */
  get buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    if (b !== this.current) {
      this.current = b;
      this.buffers.add(b);
    }
    return b;
  }

  /**
   * Byte address of a block of at least `bytes` (64-byte aligned, contents undefined), or -1 when
   * the memory cannot hold it with `keepFree` bytes below the limit left over (room that tensors'
   * storages leave for the scratch of kernels on operands that could not be placed here).
   */
  alloc(bytes: number, keepFree = 0): number {
    const size = classBytes(bytes);
    const reused = this.lists.get(size)?.pop();
    if (reused !== undefined) {
      this.freeBytes -= size;
      this.usedBytes += size;
      return reused;
    }
    return this.bump(size, keepFree) ?? this.fromMerged(size, keepFree);
  }

  /**
   * alloc, with the block's first `bytes` zero. Memory the heap never handed out is zero already
   * (a grown memory's pages are the OS's zero pages until written), so only blocks that held
   * data are filled: a tensor of zeros that is never written (a weight about to be replaced)
   * then costs no resident memory at all.
   */
  allocZeroed(bytes: number, keepFree = 0): number {
    const clean = this.clean;
    const ptr = this.alloc(bytes, keepFree);
    if (ptr >= 0 && ptr < clean) new Uint8Array(this.buffer, ptr, Math.min(bytes, clean - ptr)).fill(0);
    return ptr;
  }

  /** A block from above the highest one, growing the memory; null past the limit. */
  private bump(size: number, keepFree: number): number | null {
    const end = this.top + size;
    if (end > this.limit - keepFree || !grow(this.memory, end)) return null;
    const ptr = this.top;
    this.top = end;
    this.clean = Math.max(this.clean, end);
    this.usedBytes += size;
    return ptr;
  }

  /**
   * When the memory cannot grow: merges adjacent free blocks of any class, gives a free run at the
   * top back, and serves the request from the first run that holds it; the rest goes back to the
   * lists cut into class-sized pieces. Slow (it sorts every free block), and only taken when full.
   */
  private fromMerged(size: number, keepFree: number): number {
    const blocks: [number, number][] = [];
    for (const [cls, list] of this.lists) for (const ptr of list) blocks.push([ptr, ptr + cls]);
    this.lists.clear();
    this.freeBytes = 0;
    blocks.sort((a, b) => a[0] - b[0]);
    const runs: [number, number][] = [];
    for (const [s, e] of blocks) {
      const last = runs[runs.length - 1];
      if (last && last[1] === s) last[1] = e;
      else runs.push([s, e]);
    }
    if (runs.length > 0 && runs[runs.length - 1][1] === this.top) this.top = runs.pop()![0];
    let ptr = this.bump(size, keepFree) ?? -1;
    if (ptr < 0) {
      const i = runs.findIndex(([s, e]) => e - s >= size);
      if (i >= 0) {
        ptr = runs[i][0];
        runs[i][0] += size;
        this.usedBytes += size;
      }
    }
    for (const [s, e] of runs) this.file(s, e);
    return ptr;
  }

  /** Puts [start, end) (a multiple of 64 bytes) back on the lists as the largest class-sized pieces that fit. */
  private file(start: number, end: number): void {
    while (end - start >= 64) {
      let piece = classBytes(end - start);
      if (piece > end - start) piece = largestClassBelow(end - start);
      this.push(start, piece);
      start += piece;
    }
  }

  private push(ptr: number, size: number): void {
    let list = this.lists.get(size);
    if (!list) this.lists.set(size, (list = []));
    list.push(ptr);
    this.freeBytes += size;
  }

  /** Gives back a block from alloc(bytes), for the next request of its class. */
  release(ptr: number, bytes: number): void {
    const size = classBytes(bytes);
    this.push(ptr, size);
    this.usedBytes -= size;
  }

  /** Whether `a` is a view of this heap's memory (so a kernel can use it in place at a.byteOffset). */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /** A float32 view of `length` elements at byte address `ptr`. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.buffer, ptr, length);
  }

  stats(): HeapStats {
    return { used: this.usedBytes, free: this.freeBytes, top: this.top };
  }
}

/** Pages grown at least at a time: each grow makes a new buffer object, and views are remade for it. */
const GROW_MIN_PAGES = 256; // 16 MiB

/** Grows `memory` to hold `bytes`; false when it cannot (its maximum, or no memory left). */
function grow(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  const need = Math.ceil((bytes - have) / PAGE_BYTES);
  for (const pages of need < GROW_MIN_PAGES ? [GROW_MIN_PAGES, need] : [need]) {
    try {
      memory.grow(pages);
      return true;
    } catch {
      // try the exact size, or give up
    }
  }
  return false;
}
