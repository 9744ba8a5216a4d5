// Reuse of freed CPU storage: a float32 storage's heap block (src/backends/cpu/wasm/heap.ts) and a
// large plain array (int32 storages, and float32 ones where there is no heap) are handed out again
// for the same size, zero-filled (alloc) or holding exactly the copied data (fromArray); the freed
// storage no longer reaches them, and the live counters do not count them.
import { describe, expect, it } from 'vitest';
import { cpu, zeros, fromTypedArray } from '../src/index.js';
import type { CpuBackend } from '../src/backends/cpu/index.js';

const backend = cpu as CpuBackend;
const n = 1 << 16; // 256 KiB: pooled as a plain array, and a size class of the heap exactly

describe('cpu storage reuse', () => {
  it('a freed float32 block is handed out again, zero-filled, and the old storage lets go of it', () => {
    const a = fromTypedArray(new Float32Array(n).fill(7), [n]);
    const storage = a.storage as unknown as { data: Float32Array };
    const before = backend.memory(), pooled = backend.pooled();
    a.dispose();
    expect(backend.memory().buffers).toBe(before.buffers - 1);
    expect(backend.pooled()).toBe(pooled + n * 4);
    expect(storage.data.length).toBe(0);
    const b = zeros([n]);
    expect(backend.pooled()).toBe(pooled);
    expect(b.dataSync().every((v) => v === 0)).toBe(true);
    b.dispose();
    const c = fromTypedArray(Float32Array.from({ length: n }, (_, i) => i), [n]);
    expect(c.dataSync()[n - 1]).toBe(n - 1);
    c.dispose();
    backend.trimPool(); // heap blocks stay: WebAssembly memory cannot shrink
    expect(backend.pooled()).toBe(pooled + n * 4);
  });

  it('a freed large int32 array is pooled, zero-filled on reuse, and released by trimPool', () => {
    backend.trimPool();
    const heapFree = backend.pooled();
    const i = fromTypedArray(new Int32Array(n).fill(3), [n]);
    const storage = i.storage as unknown as { data: Int32Array };
    i.dispose();
    expect(storage.data.length).toBe(0);
    expect(backend.pooled()).toBe(heapFree + n * 4);
    fromTypedArray(new Int32Array(16), [16]).dispose(); // small arrays are not pooled
    expect(backend.pooled()).toBe(heapFree + n * 4);
    const j = zeros([n], { dtype: 'int32' });
    expect(j.dtype).toBe('int32');
    expect(backend.pooled()).toBe(heapFree);
    expect(j.dataSync().every((v) => v === 0)).toBe(true);
    j.dispose();
    backend.trimPool();
    expect(backend.pooled()).toBe(heapFree);
  });
});

describe('outputs allocated without the zero-fill', () => {
  it('are written in full by their kernels: blocks poisoned with NaN leave no trace', async () => {
    const { add, cat, fromTypedArray: from, gather, indexSelect, linear, matmul, softmax, sum, tensor } = await import('../src/index.js');
    const n = 96;
    // every output below is n x n float32 (or n, or 2n x n) or int32: poison blocks of those sizes, then free them for reuse
    const poison = () => {
      for (const size of [n, n * n, 2 * n * n]) for (let i = 0; i < 4; i++) from(new Float32Array(size).fill(Number.NaN), [size]).dispose();
    };
    const a = from(Float32Array.from({ length: n * n }, (_, i) => (i % 7) - 3), [n, n]);
    const b = from(Float32Array.from({ length: n * n }, (_, i) => (i % 5) - 2), [n, n]);
    const idx = tensor(Int32Array.from({ length: n }, (_, i) => (i * 7) % n), { shape: [n] });
    const outs: [string, () => { dataSync(): ArrayLike<number> }][] = [
      ['add', () => add(a, b)], ['exp', () => a.exp()], ['matmul', () => matmul(a, b)], ['linear', () => linear(a, b, from(new Float32Array(n).fill(1), [n]))],
      ['softmax', () => softmax(a, -1)], ['cat', () => cat([a, b], 0)], ['transpose copy', () => a.transpose(0, 1).contiguous()],
      ['sum', () => sum(a, 1)], ['indexSelect', () => indexSelect(a, 0, idx)], ['gather', () => gather(a, 1, tensor(Int32Array.from({ length: n * n }, (_, i) => i % n), { shape: [n, n] }))],
    ];
    for (const [name, op] of outs) {
      poison();
      const data = op().dataSync();
      expect(Array.from(data).some((v) => Number.isNaN(v)), name).toBe(false);
    }
  });
});
