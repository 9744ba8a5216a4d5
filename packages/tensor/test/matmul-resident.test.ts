// A large B operand (a weight) stays in the WebAssembly memory between matmuls until its storage is
// written again: every in-place write (assign, fill, AdamW, index/scatter add) must be seen by the
// next product, and other kernels running in between must not overwrite the kept copy.
import { describe, expect, it } from 'vitest';
import { adamwUpdate, assign, fill, fromTypedArray, matmul, matmulInfo, setMatmulThreads, softmax, type Tensor, tensor, zeros } from '../src/index.js';
import { floats } from './helpers/ref.js';

const k = 512, n = 640; // 327,680 elements: above the size that is kept
const ref = (a: Float32Array, b: Float32Array, m: number) => {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * k + p] * b[p * n + j];
  return out;
};
const maxDiff = (t: Tensor, want: Float64Array) => (t.dataSync() as Float32Array).reduce((d, v, i) => Math.max(d, Math.abs(v - want[i])), 0);

describe('matmul keeps large weights in the WebAssembly memory', () => {
  it('sees every in-place write to the weight, and survives other kernels in between', () => {
    const a = floats(3 * k, 1, -1, 1);
    const wData = floats(k * n, 2, -1, 1);
    const x = fromTypedArray(a, [3, k]);
    const w = fromTypedArray(wData, [k, n]);
    expect(maxDiff(matmul(x, w), ref(a, wData, 3))).toBeLessThan(1e-4);
    expect(maxDiff(matmul(x, w), ref(a, wData, 3))).toBeLessThan(1e-4); // the kept copy
    softmax(fromTypedArray(floats(200_000, 3), [400, 500])).dispose(); // another kernel's scratch

    const w2 = floats(k * n, 4, -1, 1);
    assign(w, fromTypedArray(w2, [k, n]));
    expect(maxDiff(matmul(x, w), ref(a, w2, 3))).toBeLessThan(1e-4);

    fill(w, 0.5);
    expect(maxDiff(matmul(x, w), ref(a, new Float32Array(k * n).fill(0.5), 3))).toBeLessThan(1e-3);

    const g = fromTypedArray(new Float32Array(k * n).fill(1), [k, n]);
    adamwUpdate(w, g, zeros([k, n]), zeros([k, n]), { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 });
    expect(maxDiff(matmul(x, w), ref(a, new Float32Array(k * n).fill(0.4), 3))).toBeLessThan(1e-3);

    // the transposed use of the same storage (x @ Wᵀ as in Linear) reads the same kept bytes
    const wt = tensor(Array.from({ length: n }, () => Array(k).fill(0.25))); // (n, k)
    const y = x.matmul(wt.T);
    const want = new Float64Array(3 * n);
    for (let i = 0; i < 3; i++) { let s = 0; for (let p = 0; p < k; p++) s += a[i * k + p] * 0.25; want.fill(s, i * n, (i + 1) * n); }
    expect(maxDiff(y, want)).toBeLessThan(1e-4);
  });

  it('a changed thread count empties the kept region before it is used again', () => {
    const a = floats(2 * k, 5, -1, 1), wData = floats(k * n, 6, -1, 1);
    const x = fromTypedArray(a, [2, k]), w = fromTypedArray(wData, [k, n]);
    matmul(x, w).dispose();
    const threads = matmulInfo().threads;
    setMatmulThreads(threads === 1 ? 2 : 1);
    try {
      expect(maxDiff(matmul(x, w), ref(a, wData, 2))).toBeLessThan(1e-4);
    } finally {
      setMatmulThreads(threads);
    }
    expect(maxDiff(matmul(x, w), ref(a, wData, 2))).toBeLessThan(1e-4);
  });
});

describe('the kept region gives way when memory runs short', () => {
  it('a matrix that does not fit is not kept; scratch that does not fit empties the region and takes its room, or is refused', async () => {
    const { residentMatrix, resetResident, takeScratch } = await import('../src/backends/cpu/wasm/resident.js');
    const { Heap } = await import('../src/backends/cpu/wasm/heap.js');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 20 }); // 1.25 MiB at most
    const heap = new Heap(memory, 4096);
    try {
      const big = new Float32Array(1 << 19); // 2 MiB: cannot be kept here
      expect(residentMatrix(heap, big, 0, big.length, { key: big, version: 0 })).toBe(-1);
      const w = new Float32Array(1 << 18).fill(3); // 1 MiB: kept
      expect(residentMatrix(heap, w, 0, w.length, { key: w, version: 0 })).toBe(4096);
      expect(new Float32Array(memory.buffer, 4096, 4)[3]).toBe(3);
      expect(residentMatrix(heap, w, 0, w.length, { key: w, version: 0 })).toBe(4096); // kept: no new block
      const s = takeScratch(heap, 1 << 19); // 0.5 MiB: fits only where the kept matrix was
      expect(s).toEqual({ ptr: 4096, bytes: 1 << 19, dropped: true });
      expect(takeScratch(heap, 1 << 20)).toBeNull(); // no room even so: the caller computes without WebAssembly
    } finally {
      resetResident();
    }
  });
});
