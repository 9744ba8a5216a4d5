// matmul at the op level: 2-D, batched, broadcast batch dims, 1-D operands as in NumPy,
// transposed and strided operands, odd sizes. Values against a float64 triple loop; gradients
// against finite differences.
import { describe, expect, it } from 'vitest';
import { fromTypedArray, matmul, type Tensor, tensor, zeros } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { broadcast, floats, matmul2d, ravel, size, unravel } from './helpers/ref.js';

/** Batched reference: a (..., m, k) @ b (..., k, n) with broadcast batch dims. */
function refMatmul(a: ArrayLike<number>, sa: number[], b: ArrayLike<number>, sb: number[]): { data: number[]; shape: number[] } {
  const [m, k] = sa.slice(-2), n = sb[sb.length - 1];
  const ba = sa.slice(0, -2), bb = sb.slice(0, -2);
  const batch = broadcast(ba, bb);
  const data: number[] = [];
  for (let i = 0; i < size(batch); i++) {
    const idx = unravel(i, batch);
    const pick = (shape: number[]) => ravel(shape.map((d, j) => (d === 1 ? 0 : idx[j + batch.length - shape.length])), shape);
    const am = Array.from(a).slice(pick(ba) * m * k, (pick(ba) + 1) * m * k);
    const bm = Array.from(b).slice(pick(bb) * k * n, (pick(bb) + 1) * k * n);
    data.push(...matmul2d(am, bm, m, k, n));
  }
  return { data, shape: [...batch, m, n] };
}

const tol = { atol: 1e-5, rtol: 1e-5 };

const shapeCases: [number[], number[]][] = [
  [[1, 1], [1, 1]],
  [[3, 5], [5, 4]],
  [[7, 13], [13, 9]],
  [[17, 33], [33, 10]],
  [[2, 3, 5], [2, 5, 4]],
  [[2, 3, 5], [5, 4]], // batch folded into rows
  [[5, 4], [2, 4, 3]], // a broadcast over b's batch
  [[2, 1, 3, 5], [4, 5, 2]], // batch dims broadcast both ways
  [[3, 1, 2, 6], [1, 2, 6, 3]],
];

describe.each(testBackends())('matmul (%s)', (backend) => {
  useBackend(backend);

  it.each(shapeCases)('%j @ %j', async (sa, sb) => {
    const a = floats(size(sa), size(sa)), b = floats(size(sb), size(sb) + 1);
    const want = refMatmul(a, sa, b, sb);
    await expectTensor(matmul(fromTypedArray(a, sa), fromTypedArray(b, sb)), want.shape, want.data, tol);
  });

  it('a small product by hand', async () => {
    const a = tensor([[1, 2], [3, 4]]), b = tensor([[5, 6], [7, 8]]);
    expect(await a.matmul(b).toArray()).toEqual([[19, 22], [43, 50]]);
  });

  it('1-D operands: vector @ matrix, matrix @ vector, vector @ vector', async () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    await expectTensor(matmul(tensor([1, -1]), m), [3], [-3, -3, -3]);
    await expectTensor(matmul(m, tensor([1, 0, 2])), [2], [7, 16]);
    await expectTensor(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])), [], [32]);
    await expectTensor(matmul(tensor([1, 2]), tensor([[[1], [1]], [[2], [0]]])), [2, 1], [3, 2]);
  });

  it('transposed operands (.T views) and strided windows give the same numbers as dense copies', async () => {
    const a = floats(6 * 4, 1), b = floats(5 * 6, 2);
    const at = fromTypedArray(a, [6, 4]).T; // (4, 6) stored transposed
    const bt = fromTypedArray(b, [5, 6]).T; // (6, 5)
    const want = refMatmul(await at.contiguous().data(), [4, 6], await bt.contiguous().data(), [6, 5]);
    await expectTensor(matmul(at, bt), [4, 5], want.data, tol);
    await expectTensor(matmul(at.contiguous(), bt), [4, 5], want.data, tol);
    await expectTensor(matmul(at, bt.contiguous()), [4, 5], want.data, tol);
    // a column window, a row window at an offset, and a permuted batch
    const big = fromTypedArray(floats(8 * 9, 3), [8, 9]);
    const win = big.narrow(0, 2, 5).narrow(1, 1, 6); // (5, 6), rows of stride 9
    const wantWin = refMatmul(await win.contiguous().data(), [5, 6], b, [6, 5]);
    await expectTensor(matmul(win, fromTypedArray(b, [6, 5])), [5, 5], wantWin.data, tol);
    const q = fromTypedArray(floats(2 * 3 * 4, 4), [3, 2, 4]).permute(1, 0, 2); // (2, 3, 4), batch stride 4
    const k = fromTypedArray(floats(2 * 4 * 3, 5), [2, 3, 4]).transpose(-1, -2); // (2, 4, 3)
    const wantQK = refMatmul(await q.contiguous().data(), [2, 3, 4], await k.contiguous().data(), [2, 4, 3]);
    await expectTensor(matmul(q, k), [2, 3, 3], wantQK.data, tol);
  });

  it('empty dims give empty or zero results', async () => {
    expect(matmul(zeros([0, 3]), zeros([3, 2])).shape).toEqual([0, 2]);
    await expectTensor(matmul(zeros([2, 0]), zeros([0, 3])), [2, 3], [0, 0, 0, 0, 0, 0]);
  });

  describe('gradients match finite differences', () => {
    const leaf = (shape: number[], seed: number) => fromTypedArray(floats(size(shape), seed), shape, { requiresGrad: true });
    it.each(shapeCases.slice(1))('%j @ %j', async (sa, sb) => {
      await gradcheck(matmul, [leaf(sa, 7), leaf(sb, 8)]);
    });
    it('1-D operands', async () => {
      await gradcheck(matmul, [leaf([4], 1), leaf([4, 3], 2)]);
      await gradcheck(matmul, [leaf([2, 4], 3), leaf([4], 4)]);
      await gradcheck(matmul, [leaf([4], 5), leaf([4], 6)]);
    });
    it('transposed and permuted operands (the attention pattern q @ kᵀ)', async () => {
      const f = (q: Tensor, k: Tensor) => matmul(q.permute(1, 0, 2), k.permute(1, 2, 0));
      await gradcheck(f, [leaf([3, 2, 4], 9), leaf([5, 2, 4], 10)]);
    });
  });
});
