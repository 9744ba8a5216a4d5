// scaledDotProductAttention: the fused CPU kernel (no gradients: a query row at a time, no (Tq, Tk)
// weights) and the composed path (matmul, causal softmax, matmul: what autograd records) against a
// float64 reference written here, on strided head views, causal offsets, per-row lengths and head
// sizes off the kernel's 16- and 4-lane steps, grouped key/value heads; the composed gradients against
// finite differences.
import { describe, expect, it } from 'vitest';
import { storageHeap } from '../src/backends/cpu/wasm/matmul.js';
import { fromTypedArray, noGrad, scaledDotProductAttention, setHeapLimit, type Tensor, tidy } from '../src/index.js';
import { testBackends } from './helpers/backends.js';
import { expectClose } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats } from './helpers/ref.js';

interface Dims { B: number; H: number; Tq: number; Tk: number; D: number; KV?: number }

/** out (B, H, Tq, D) in float64 from q (B, H, Tq, D), k and v (B, KV, Tk, D), all contiguous. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, { B, H, Tq, Tk, D, KV = H }: Dims, scale: number, offset: number, lengths?: number[]): Float64Array {
  const out = new Float64Array(B * H * Tq * D);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < Tq; i++) {
    const n = Math.min(Tk, i + offset + 1, lengths ? lengths[b] : Tk);
    const qi = ((b * H + h) * Tq + i) * D, kv = (b * KV + Math.floor(h / (H / KV))) * Tk * D;
    const s = Array.from({ length: n }, (_, j) => { let d = 0; for (let c = 0; c < D; c++) d += q[qi + c] * k[kv + j * D + c]; return d * scale; });
    const m = Math.max(...s), e = s.map((x) => Math.exp(x - m)), z = e.reduce((a, x) => a + x, 0);
    for (let j = 0; j < n; j++) for (let c = 0; c < D; c++) out[qi + c] += (e[j] / z) * v[kv + j * D + c];
  }
  return out;
}

/** q, k, v as (B, H, T, D) views of (B, T, H, D) tensors, as attention layers make them, and their contiguous data. */
function inputs(d: Dims, seed: number, backend: string, requiresGrad = false) {
  const make = (T: number, H: number, s: number) => {
    const data = floats(d.B * H * T * d.D, s, -1.5, 1.5); // (B, H, T, D)
    const bthd = new Float32Array(data.length);
    for (let b = 0; b < d.B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) for (let c = 0; c < d.D; c++) {
      bthd[((b * T + t) * H + h) * d.D + c] = data[((b * H + h) * T + t) * d.D + c];
    }
    const x = fromTypedArray(bthd, [d.B, T, H, d.D], { backend, requiresGrad });
    return { data, view: x.transpose(1, 2), leaf: x };
  };
  const KV = d.KV ?? d.H;
  return { q: make(d.Tq, d.H, seed), k: make(d.Tk, KV, seed + 1), v: make(d.Tk, KV, seed + 2) };
}

const cases: { name: string; d: Dims; offset?: number; lengths?: number[] }[] = [
  { name: 'training shape (Tq = Tk, offset 0)', d: { B: 2, H: 3, Tq: 7, Tk: 7, D: 16 } },
  { name: 'one new query against a cache', d: { B: 1, H: 2, Tq: 1, Tk: 9, D: 64 } },
  { name: 'a chunk of queries after a cache', d: { B: 2, H: 2, Tq: 3, Tk: 11, D: 20 } },
  { name: 'an explicit offset past the keys (every key seen)', d: { B: 1, H: 1, Tq: 4, Tk: 5, D: 6 }, offset: 9 },
  { name: 'rows of different lengths', d: { B: 3, H: 2, Tq: 1, Tk: 10, D: 36 }, offset: 9, lengths: [10, 3, 1] },
  { name: 'a single key', d: { B: 2, H: 1, Tq: 1, Tk: 1, D: 5 } },
  { name: 'grouped key/value heads (3 query heads each), prefill', d: { B: 2, H: 6, KV: 2, Tq: 5, Tk: 5, D: 16 } },
  { name: 'grouped key/value heads, decoding rows of different lengths', d: { B: 2, H: 4, KV: 1, Tq: 1, Tk: 7, D: 24 }, lengths: [7, 2] },
  { name: 'GPT-2 head size, causal rows of every length mod 4', d: { B: 1, H: 2, Tq: 37, Tk: 37, D: 64 } },
  { name: 'head size 40 (32 columns, then 8)', d: { B: 1, H: 1, Tq: 13, Tk: 13, D: 40 } },
];

describe('scaledDotProductAttention, fused (no gradients) on the CPU', () => {
  it.each(cases)('$name', ({ d, offset, lengths }) => {
    const { q, k, v } = inputs(d, 11, 'cpu');
    const scale = 1 / Math.sqrt(d.D);
    const out = noGrad(() => scaledDotProductAttention(q.view, k.view, v.view, { offset, lengths }));
    // the fused kernel writes (B, Tq, H, D) and hands back its (B, H, Tq, D) view: heads merge without a copy
    expect(out.strides).toEqual([d.Tq * d.H * d.D, d.D, d.H * d.D, 1]);
    expectClose(out.contiguous().dataSync(), reference(q.data, k.data, v.data, d, scale, offset ?? d.Tk - d.Tq, lengths), { atol: 2e-6, rtol: 1e-5 });
  });

  it('stays on the composed path while gradients are recorded, with the same values', () => {
    const d = cases[2].d;
    const fused = inputs(d, 3, 'cpu'), recorded = inputs(d, 3, 'cpu', true);
    const a = noGrad(() => scaledDotProductAttention(fused.q.view, fused.k.view, fused.v.view));
    const b = scaledDotProductAttention(recorded.q.view, recorded.k.view, recorded.v.view);
    expect(b.strides).toEqual([d.H * d.Tq * d.D, d.Tq * d.D, d.D, 1]); // matmul's own layout
    expectClose(a.contiguous().dataSync(), b.dataSync(), { atol: 2e-6, rtol: 1e-5 });
  });

  it('declines for storages outside the kernels heap, and the composed path answers', () => {
    const d = cases[0].d;
    const heap = storageHeap()!;
    const limit = heap.limit;
    setHeapLimit(Math.ceil(heap.stats().top * 1.3)); // new storages are plain arrays (see cpu-heap.test.ts)
    let out: Float32Array;
    let strides: readonly number[];
    try {
      const { q, k, v } = inputs({ ...d, D: 24 }, 5, 'cpu'); // a size no freed block of this file has
      expect(heap.owns((q.leaf.storage as unknown as { data: Float32Array }).data)).toBe(false);
      const r = noGrad(() => scaledDotProductAttention(q.view, k.view, v.view));
      strides = r.strides;
      out = r.dataSync() as Float32Array;
      expectClose(out, reference(q.data, k.data, v.data, { ...d, D: 24 }, 1 / Math.sqrt(24), 0), { atol: 2e-6, rtol: 1e-5 });
    } finally {
      setHeapLimit(limit);
    }
    expect(strides).toEqual([d.H * d.Tq * 24, d.Tq * 24, 24, 1]);
  });

  it('rejects mismatched shapes, bad offsets and lengths, naming them', () => {
    const { q, k, v } = inputs(cases[2].d, 1, 'cpu');
    expect(() => scaledDotProductAttention(q.view, k.view.narrow(3, 0, 10), v.view)).toThrow(/scaledDotProductAttention: k and v must be \(2, KV, Tk, 20\) with KV dividing 2/);
    expect(() => scaledDotProductAttention(q.view, k.view, v.view, { offset: -1 })).toThrow(/offset must be a non-negative integer, got -1/);
    expect(() => scaledDotProductAttention(q.view, k.view, v.view, { lengths: [3] })).toThrow(/lengths must be 2 non-negative integers/);
    expect(() => scaledDotProductAttention(q.view.reshape(2, 6, 20), k.view, v.view)).toThrow(/expected q \(B, H, Tq, D\)/);
    const three = inputs({ B: 2, H: 3, KV: 2, Tq: 1, Tk: 2, D: 4 }, 1, 'cpu');
    expect(() => scaledDotProductAttention(three.q.view, three.k.view, three.v.view)).toThrow(/with KV dividing 3/);
  });
});

describe.each(testBackends())('scaledDotProductAttention, composed, on %s', (backend) => {
  it.each(cases)('$name', async ({ d, offset, lengths }) => {
    const { q, k, v } = inputs(d, 21, backend, true);
    const out = tidy(() => scaledDotProductAttention(q.view, k.view, v.view, { offset, lengths }));
    expectClose(await out.data(), reference(q.data, k.data, v.data, d, 1 / Math.sqrt(d.D), offset ?? d.Tk - d.Tq, lengths), { atol: 5e-6, rtol: 1e-5 });
  });
});

describe('scaledDotProductAttention gradients (composed) against finite differences', () => {
  it('q, k and v, with an offset and lengths', async () => {
    const d = { B: 2, H: 1, Tq: 2, Tk: 4, D: 3 };
    const { q, k, v } = inputs(d, 31, 'cpu', true);
    await gradcheck((a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a.transpose(1, 2), b.transpose(1, 2), c.transpose(1, 2), { lengths: [4, 3] }),
      [q.leaf, k.leaf, v.leaf]);
  });

  it('grouped key/value heads: each gathers the gradients of its query heads', async () => {
    const { q, k, v } = inputs({ B: 1, H: 4, KV: 2, Tq: 3, Tk: 3, D: 2 }, 41, 'cpu', true);
    await gradcheck((a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a.transpose(1, 2), b.transpose(1, 2), c.transpose(1, 2)), [q.leaf, k.leaf, v.leaf]);
  });
});
