// The CPU backend's pool of freed large arrays: a reused array comes back zero-filled (alloc) or
// holding exactly the copied data (fromArray), the freed storage no longer reaches it, and the
// live counters do not count pooled arrays.
import { describe, expect, it } from 'vitest';
import { cpu, zeros, fromTypedArray } from '../src/index.js';
import type { CpuBackend } from '../src/backends/cpu/index.js';

const backend = cpu as CpuBackend;
const n = 1 << 16; // 256 KiB: pooled

describe('cpu array pool', () => {
  it('a freed large array is handed out again, zero-filled, and the old storage lets go of it', () => {
    backend.trimPool();
    const a = fromTypedArray(new Float32Array(n).fill(7), [n]);
    const storage = a.storage as unknown as { data: Float32Array };
    const before = backend.memory();
    a.dispose();
    expect(backend.memory().buffers).toBe(before.buffers - 1);
    expect(backend.pooled()).toBe(n * 4);
    expect(storage.data.length).toBe(0);
    const b = zeros([n]);
    expect(backend.pooled()).toBe(0);
    expect(b.dataSync().every((v) => v === 0)).toBe(true);
    b.dispose();
    const c = fromTypedArray(Float32Array.from({ length: n }, (_, i) => i), [n]);
    expect(c.dataSync()[n - 1]).toBe(n - 1);
    c.dispose();
    backend.trimPool();
    expect(backend.pooled()).toBe(0);
  });

  it('sizes and dtypes do not mix, and small arrays are not pooled', () => {
    backend.trimPool();
    fromTypedArray(new Float32Array(n), [n]).dispose();
    fromTypedArray(new Float32Array(16), [16]).dispose();
    expect(backend.pooled()).toBe(n * 4);
    const i = zeros([n], { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(backend.pooled()).toBe(n * 4);
    i.dispose();
    backend.trimPool();
  });
});
