// Selecting by index: indexSelect, gather, embedding, topk, and the triangles' gradients.
// Values against index arithmetic done here; gradients against finite differences (repeated
// indices must accumulate).
import { describe, expect, it } from 'vitest';
import { embedding, fromTypedArray, gather, indexSelect, tensor, topk, tril, triu } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats, ravel, size, unravel } from './helpers/ref.js';

const ints = (data: number[] | number[][], shape?: number[]) => tensor(data, { dtype: 'int32', shape });
const leaf = (shape: number[], seed: number) => fromTypedArray(floats(size(shape), seed), shape, { requiresGrad: true });

describe.each(testBackends())('indexing (%s)', (backend) => {
  useBackend(backend);

  it('indexSelect picks slices along any dim, repeats allowed', async () => {
    const shape = [2, 4, 3];
    const data = floats(24, 1);
    const x = fromTypedArray(data, shape);
    const index = [3, 0, 3];
    for (const dim of [0, 1, 2, -1]) {
      const d = dim < 0 ? dim + 3 : dim;
      const idx = index.filter((i) => i < shape[d]);
      const outShape = shape.map((s, i) => (i === d ? idx.length : s));
      const want = Array.from({ length: size(outShape) }, (_, i) => {
        const o = unravel(i, outShape);
        o[d] = idx[o[d]];
        return data[ravel(o, shape)];
      });
      await expectTensor(indexSelect(x, dim, ints(idx)), outShape, want);
    }
  });

  it('embedding looks up rows for ids of any shape: (V, C) with (B, T) → (B, T, C)', async () => {
    const w = tensor([[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5]]);
    const out = embedding(w, ints([[3, 0, 1], [1, 1, 2]]));
    expect(out.shape).toEqual([2, 3, 2]);
    expect(await out.toArray()).toEqual([[[3, 3.5], [0, 0.5], [1, 1.5]], [[1, 1.5], [1, 1.5], [2, 2.5]]]);
  });

  it('gather picks one element per index position along dim (the target logit)', async () => {
    const logits = tensor([[0.1, 0.2, 0.3], [1.1, 1.2, 1.3]]);
    await expectTensor(gather(logits, 1, ints([[2], [0]])), [2, 1], [0.3, 1.1], { rtol: 1e-7 });
    await expectTensor(logits.gather(0, ints([[1, 0, 1]])), [1, 3], [1.1, 0.2, 1.3], { rtol: 1e-7 });
    const data = floats(2 * 5 * 3, 2);
    const x = fromTypedArray(data, [2, 5, 3]);
    const idx = [4, 0, 2, 1, 1, 3, 0, 0, 4, 2, 3, 1, 4, 4, 0, 2, 2, 1]; // (2, 3, 3)
    const want = idx.map((j, i) => {
      const [a, , c] = unravel(i, [2, 3, 3]);
      return data[ravel([a, j, c], [2, 5, 3])];
    });
    await expectTensor(gather(x, 1, ints(idx, [2, 3, 3])), [2, 3, 3], want);
  });

  it('gather and indexSelect read strided inputs and indices', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]).T; // (3, 2)
    await expectTensor(indexSelect(x, 0, ints([2, 0])), [2, 2], [3, 6, 1, 4]);
    const idx = ints([[1, 0, 0], [0, 1, 1]]).T; // (3, 2)
    await expectTensor(gather(x, 1, idx), [3, 2], [4, 1, 2, 5, 3, 6]);
  });

  it('topk: the k largest along a dim, descending, with int32 indices', async () => {
    const x = tensor([[0.5, 3, -1, 2, 7], [4, 4.5, 0, -2, 1]]);
    const { values, indices } = topk(x, 3);
    expect(await values.toArray()).toEqual([[7, 3, 2], [4.5, 4, 1]]);
    expect(indices.dtype).toBe('int32');
    expect(await indices.toArray()).toEqual([[4, 1, 3], [1, 0, 4]]);
    const col = x.topk(1, 0);
    expect(col.values.shape).toEqual([1, 5]);
    expect(await col.values.toArray()).toEqual([[4, 4.5, 0, 2, 7]]);
    expect(await col.indices.toArray()).toEqual([[1, 1, 1, 0, 0]]);
  });

  it('topk over many random rows agrees with a sort', async () => {
    const data = floats(6 * 50, 9);
    const { values, indices } = topk(fromTypedArray(data, [6, 50]), 5);
    const v = await values.data(), ix = await indices.data();
    for (let r = 0; r < 6; r++) {
      const row = Array.from(data.slice(r * 50, r * 50 + 50));
      const order = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, 5);
      expect(Array.from(ix.slice(r * 5, r * 5 + 5))).toEqual(order);
      expect(Array.from(v.slice(r * 5, r * 5 + 5))).toEqual(order.map((i) => row[i]));
    }
  });

  describe('gradients match finite differences', () => {
    it('indexSelect with repeated indices accumulates', async () => {
      await gradcheck((x) => indexSelect(x, 0, ints([2, 0, 2, 2])), [leaf([4, 3], 1)]);
      await gradcheck((x) => indexSelect(x, 1, ints([1, 1, 0])), [leaf([2, 3, 2], 2)]);
      const x = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
      indexSelect(x, 0, ints([2, 2, 0])).sum().backward();
      expect(await x.grad!.toArray()).toEqual([[1, 1], [0, 0], [2, 2]]);
    });

    it('embedding', async () => {
      await gradcheck((w) => embedding(w, ints([[0, 3, 3], [1, 0, 2]])), [leaf([5, 4], 3)]);
    });

    it('gather with repeated indices', async () => {
      await gradcheck((x) => gather(x, 1, ints([[0, 0, 2], [1, 2, 1]])), [leaf([2, 3], 4)]);
      await gradcheck((x) => gather(x, 0, ints([[1, 0], [1, 1], [0, 1]])), [leaf([2, 2], 5)]);
    });

    it('tril / triu', async () => {
      await gradcheck((x) => tril(x, -1), [leaf([2, 3, 4], 6)]);
      await gradcheck((x) => triu(x, 1).mul(x), [leaf([4, 3], 7)]);
    });
  });
});
