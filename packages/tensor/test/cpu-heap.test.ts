// The kernels' WebAssembly memory as a heap (src/backends/cpu/wasm/heap.ts): size classes, reuse,
// the limit, and merging free blocks when the memory cannot grow. CPU storages live there (where
// the memory is shared, as in Node): kernels use them in place, and past the heap's limit storages
// are plain arrays that the kernels copy, with the same results.
import { describe, expect, it } from 'vitest';
import { Heap, classBytes } from '../src/backends/cpu/wasm/heap.js';
import { kernelCopiedBytes, setHeapLimit, storageHeap } from '../src/backends/cpu/wasm/matmul.js';
import { scratchMissCount } from '../src/backends/cpu/wasm/resident.js';
import { fromTypedArray, gelu, layerNorm, matmul, softmax, tidy } from '../src/index.js';
import { floats } from './helpers/ref.js';

describe('heap size classes', () => {
  it('round up to 64 bytes, then to 8 steps per power of two (at most 12.5% more), then to 64 KiB', () => {
    expect([1, 64, 65, 4096].map(classBytes)).toEqual([64, 64, 128, 4096]);
    expect(classBytes(4097)).toBe(4608); // 4096 + 512
    expect(classBytes(1_000_000)).toBe(1_048_576);
    expect(classBytes(154_389_504)).toBe(2356 * 65536); // a GPT-2 embedding: 64 KiB steps above 4 MiB
    for (const b of [5000, 123_457, 9_999_999, 2 ** 30 + 1]) {
      const c = classBytes(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c / b).toBeLessThanOrEqual(1.125 + 64 / b);
      expect(classBytes(c)).toBe(c);
    }
  });
});

describe('Heap', () => {
  it('hands a released block to the next request of its class, and grows otherwise', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1000 }), 4096);
    const a = heap.alloc(1000), b = heap.alloc(100_000);
    expect(a).toBe(4096);
    expect(b).toBe(4096 + 1024);
    heap.release(a, 1000);
    expect(heap.stats().free).toBe(1024);
    expect(heap.alloc(1010)).toBe(a); // same class (1024 bytes)
    expect(heap.alloc(2000)).toBe(b + classBytes(100_000)); // another class: new memory
    expect(heap.stats()).toMatchObject({ free: 0, used: 1024 + classBytes(100_000) + 2048 });
  });

  it('answers -1 past its limit, or past the room a caller keeps free', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1000 }), 0, 1 << 20);
    expect(heap.alloc(1 << 19, 1 << 19)).toBe(0);
    expect(heap.alloc(64, 1 << 19)).toBe(-1);
    expect(heap.alloc(1 << 18)).toBe(1 << 19);
    expect(heap.alloc(1 << 19)).toBe(-1);
  });

  it('when the memory cannot grow, merges free neighbours of any class and cuts the request from them', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 }); // 256 KiB
    const heap = new Heap(memory, 0);
    const blocks = Array.from({ length: 4 }, () => heap.alloc(60_000)); // 4 x 61,440 bytes (class of 60,000)
    expect(heap.alloc(60_000)).toBe(-1);
    heap.release(blocks[1], 60_000);
    heap.release(blocks[2], 60_000);
    const ptr = heap.alloc(100_000); // no class of its size is free, but blocks 1 and 2 together hold it
    expect(ptr).toBe(blocks[1]);
    expect(heap.stats().used).toBe(2 * classBytes(60_000) + classBytes(100_000));
    // what was left of the run is reusable too
    expect(heap.alloc(2 * classBytes(60_000) - classBytes(100_000) - 64)).toBeGreaterThan(ptr);
  });

  it('allocZeroed zeroes only memory that held data: reused blocks and merged runs', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 }); // 256 KiB
    const heap = new Heap(memory, 0);
    const view = (ptr: number, n: number) => new Float32Array(memory.buffer, ptr, n);
    const a = heap.allocZeroed(4000);
    expect(view(a, 1000).every((v) => v === 0)).toBe(true);
    view(a, 1000).fill(7);
    heap.release(a, 4000);
    const again = heap.allocZeroed(4000);
    expect(again).toBe(a);
    expect(view(again, 1000).every((v) => v === 0)).toBe(true);
    // dirty blocks merged into one run when the memory cannot grow
    const blocks = [again, ...Array.from({ length: 3 }, () => heap.allocZeroed(60_000))];
    for (const b of blocks.slice(1)) view(b, 15_000).fill(3);
    heap.release(blocks[1], 60_000);
    heap.release(blocks[2], 60_000);
    const merged = heap.allocZeroed(100_000);
    expect(merged).toBe(blocks[1]);
    expect(view(merged, 25_000).every((v) => v === 0)).toBe(true);
  });

  it('knows its own views from other arrays', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 100, shared: true }), 0);
    const v = heap.f32(heap.alloc(64), 16);
    heap.alloc(1 << 20); // grows: a new buffer object
    expect(heap.owns(v)).toBe(true);
    expect(heap.owns(heap.f32(heap.alloc(64), 16))).toBe(true);
    expect(heap.owns(new Float32Array(16))).toBe(false);
  });
});

describe('CPU storages in the heap', () => {
  it('are views of the kernels memory, and the kernels copy nothing for them', () => {
    const heap = storageHeap();
    expect(heap).not.toBeNull(); // Node: shared memory
    const x = fromTypedArray(floats(64 * 256, 1, -1, 1), [64, 256]);
    const w = fromTypedArray(floats(256 * 128, 2, -1, 1), [256, 128]);
    expect(heap!.owns((x.storage as unknown as { data: Float32Array }).data)).toBe(true);
    const before = kernelCopiedBytes();
    tidy(() => {
      const y = matmul(x, w); // (64, 128)
      softmax(y, -1);
      gelu(y);
      layerNorm(y, null, null);
    });
    expect(kernelCopiedBytes() - before).toBe(0);
  });

  it('past the heap limit are plain arrays, copied per call, with the same results', () => {
    // sizes used nowhere else in this file: a freed block of their class would be reused below the limit
    const aData = floats(96 * 200, 3, -1, 1), bData = floats(200 * 72, 4, -1, 1);
    const compute = () => tidy(() => {
      const a = fromTypedArray(aData, [96, 200]), b = fromTypedArray(bData, [200, 72]);
      const y = softmax(matmul(a, b), -1);
      return { inHeap: storageHeap()!.owns((a.storage as unknown as { data: Float32Array }).data), y: y.dataSync() };
    });
    const heap = storageHeap()!;
    const limit = heap.limit;
    setHeapLimit(Math.ceil(heap.stats().top * 1.3)); // storages keep a quarter of the limit free: they may not grow the heap; scratch may
    let outside: ReturnType<typeof compute>;
    const before = kernelCopiedBytes();
    try {
      outside = compute();
    } finally {
      setHeapLimit(limit);
    }
    expect(outside.inHeap).toBe(false);
    expect(kernelCopiedBytes() - before).toBeGreaterThan(0);
    const inHeap = compute();
    expect(inHeap.inHeap).toBe(true);
    expect(outside.y).toEqual(inHeap.y);
  });

  it('with no room even for the copies, kernels compute without WebAssembly, with the same results', () => {
    // (600, 1000) @ (1000, 700) then softmax: ~7 MB of copies, more than this file's freed blocks hold
    const aData = floats(600 * 1000, 7, -1, 1), bData = floats(1000 * 700, 8, -1, 1);
    const compute = (): Float32Array => tidy(() => ({
      y: softmax(matmul(fromTypedArray(aData, [600, 1000]), fromTypedArray(bData, [1000, 700])), -1).dataSync() as Float32Array,
    })).y;
    const heap = storageHeap()!;
    const limit = heap.limit;
    setHeapLimit(heap.stats().top); // nothing may grow: storages are plain arrays, and scratch has only freed blocks
    let starved: Float32Array;
    const misses = scratchMissCount();
    try {
      starved = compute();
    } finally {
      setHeapLimit(limit);
    }
    expect(scratchMissCount()).toBeGreaterThan(misses);
    const inHeap = compute();
    // the JS matmul sums in another order: float32 rounding apart
    let worst = 0;
    for (let i = 0; i < inHeap.length; i++) worst = Math.max(worst, Math.abs(starved[i] - inHeap[i]) / (Math.abs(inHeap[i]) + 1e-12));
    expect(worst).toBeLessThan(1e-3);
  });
});
