// Shapes, strides and views: reshape/view, transpose/permute, narrow/slice, expand,
// unsqueeze/squeeze share storage (no copy); contiguous() copies only when it must; cat/stack
// and split/chunk. Values are checked against index arithmetic done here; gradients against
// finite differences.
import { describe, expect, it } from 'vitest';
import { arange, cat, chunk, fromTypedArray, split, stack, type Tensor, tensor } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats, permuted, ravel, unravel } from './helpers/ref.js';

/** 0, 1, 2, ... as float32 in the given shape. */
const iota = (...shape: number[]) => arange(shape.reduce((a, b) => a * b, 1), undefined, 1, { dtype: 'float32' }).reshape(shape);
const leaf = (shape: number[], seed: number) => fromTypedArray(floats(shape.reduce((a, b) => a * b, 1), seed), shape, { requiresGrad: true });

describe.each(testBackends())('views (%s)', (backend) => {
  useBackend(backend);

  it('reshape / view of a contiguous tensor share its storage; -1 is inferred', async () => {
    const x = iota(2, 3, 4);
    const y = x.reshape(6, -1);
    expect(y.shape).toEqual([6, 4]);
    expect(y.storage).toBe(x.storage);
    const v = x.view([4, 6]);
    expect(v.storage).toBe(x.storage);
    expect(v.strides).toEqual([6, 1]);
    await expectTensor(v, [4, 6], [...Array(24).keys()]);
    expect(x.reshape(2, 3, 4)).toBe(x);
    expect(x.flatten().shape).toEqual([24]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
  });

  it('transpose and permute swap strides without copying', async () => {
    const x = iota(2, 3, 4);
    const t = x.transpose(0, 2);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.strides).toEqual([1, 4, 12]);
    expect(t.storage).toBe(x.storage);
    expect(t.isContiguous).toBe(false);
    await expectTensor(t, [4, 3, 2], permuted([...Array(24).keys()], [2, 3, 4], [2, 1, 0]));
    const p = x.permute(1, 2, 0);
    expect(p.storage).toBe(x.storage);
    await expectTensor(p, [3, 4, 2], permuted([...Array(24).keys()], [2, 3, 4], [1, 2, 0]));
    const m = iota(2, 3);
    expect(await m.T.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(await m.transpose().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('reshape of a non-contiguous tensor copies; view refuses', async () => {
    const t = iota(2, 3).T; // (3, 2)
    const r = t.reshape(6);
    expect(r.storage).not.toBe(t.storage);
    await expectTensor(r, [6], [0, 3, 1, 4, 2, 5]);
    expect(() => t.view(6)).toThrow(/not contiguous/);
  });

  it('narrow and slice are views at an offset; slice clamps and counts negatives from the end', async () => {
    const x = iota(4, 5);
    const n = x.narrow(0, 1, 2);
    expect(n.storage).toBe(x.storage);
    expect(n.offset).toBe(5);
    await expectTensor(n, [2, 5], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const c = x.narrow(1, 3, 2);
    await expectTensor(c, [4, 2], [3, 4, 8, 9, 13, 14, 18, 19]);
    await expectTensor(x.slice(1, -2), [4, 2], [3, 4, 8, 9, 13, 14, 18, 19]);
    await expectTensor(x.slice(0, 2, 100), [2, 5], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(x.slice(0, 3, 1).shape).toEqual([0, 5]);
    await expectTensor(x.narrow(-1, -1, 1), [4, 1], [4, 9, 14, 19]);
  });

  it('expand / broadcastTo use 0 strides and copy nothing', async () => {
    const col = tensor([[1], [2], [3]]);
    const e = col.expand(2, 3, 4);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(e.storage).toBe(col.storage);
    await expectTensor(e, [2, 3, 4], [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    await expectTensor(col.expand(-1, 2), [3, 2], [1, 1, 2, 2, 3, 3]);
    expect(col.broadcastTo([3, 1])).toBe(col);
  });

  it('unsqueeze and squeeze add and drop size-1 dims', async () => {
    const x = iota(2, 3);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(x.unsqueeze(1).storage).toBe(x.storage);
    await expectTensor(x.unsqueeze(1), [2, 1, 3], [0, 1, 2, 3, 4, 5]);
    const y = iota(1, 3, 1, 2);
    expect(y.squeeze().shape).toEqual([3, 2]);
    expect(y.squeeze(2).shape).toEqual([1, 3, 2]);
    expect(y.squeeze(1)).toBe(y); // size 3: nothing to drop, as in PyTorch
    await expectTensor(y.squeeze(), [3, 2], [0, 1, 2, 3, 4, 5]);
  });

  it('contiguous() returns the tensor itself when already contiguous, else a dense copy', async () => {
    const x = iota(3, 4);
    expect(x.contiguous()).toBe(x);
    const t = x.T;
    const c = t.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(c.storage).not.toBe(x.storage);
    await expectTensor(c, [4, 3], permuted([...Array(12).keys()], [3, 4], [1, 0]));
  });

  it('views of views: a narrowed, transposed, expanded window reads the right elements', async () => {
    const shape = [3, 4, 5];
    const x = iota(...shape);
    // x[1:3, :, 2:4] → (2, 4, 2), then swap the first two dims → (4, 2, 2), then add a broadcast dim
    const v = x.narrow(0, 1, 2).narrow(2, 2, 2).transpose(0, 1).unsqueeze(0).expand(3, 4, 2, 2);
    const expected = Array.from({ length: 3 * 4 * 2 * 2 }, (_, i) => {
      const [, j, a, k] = unravel(i, [3, 4, 2, 2]);
      return ravel([a + 1, j, k + 2], shape);
    });
    await expectTensor(v, [3, 4, 2, 2], expected);
    await expectTensor(v.contiguous().reshape(-1), [48], expected);
    // elementwise ops read strided inputs directly
    await expectTensor(v.add(0.5), [3, 4, 2, 2], expected.map((e) => e + 0.5));
  });

  it('cat joins along an existing dim, stack along a new one', async () => {
    const a = iota(2, 2), b = iota(2, 3).add(10);
    await expectTensor(cat([a, b], 1), [2, 5], [0, 1, 10, 11, 12, 2, 3, 13, 14, 15]);
    await expectTensor(cat([a, a.add(4)], 0), [4, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    await expectTensor(cat([a.T, a], -1), [2, 4], [0, 2, 0, 1, 1, 3, 2, 3]);
    await expectTensor(stack([a, a.mul(-1)]), [2, 2, 2], [0, 1, 2, 3, -0, -1, -2, -3]);
    await expectTensor(stack([a, a.mul(-1)], -1), [2, 2, 2], [0, -0, 1, -1, 2, -2, 3, -3]);
    const ints = cat([tensor([1], { dtype: 'int32' }), tensor([2, 3], { dtype: 'int32' })]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, 2, 3]);
  });

  it('split by size or sections and chunk return views covering the dim', async () => {
    const x = iota(5, 2);
    const parts = split(x, 2);
    expect(parts.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(parts.every((p) => p.storage === x.storage)).toBe(true);
    await expectTensor(parts[2], [1, 2], [8, 9]);
    const sections = x.split([1, 4]);
    await expectTensor(sections[1], [4, 2], [2, 3, 4, 5, 6, 7, 8, 9]);
    const cols = x.split(1, 1);
    await expectTensor(cols[1], [5, 1], [1, 3, 5, 7, 9]);
    const ch = chunk(iota(7), 3);
    expect(ch.map((c) => c.shape[0])).toEqual([3, 3, 1]);
    expect(x.chunk(2, 1).map((c) => c.shape)).toEqual([[5, 1], [5, 1]]);
  });

  describe('gradients match finite differences', () => {
    const check = (name: string, shapes: number[][], fn: (...xs: Tensor[]) => Tensor) =>
      it(name, async () => gradcheck(fn, shapes.map((s, i) => leaf(s, 10 + i))));

    check('reshape / view / flatten', [[2, 3, 2]], (x) => x.reshape(3, 4).mul(x.view(4, 3).T).flatten());
    check('reshape of a non-contiguous view', [[3, 4]], (x) => x.T.reshape(2, 6));
    check('transpose / permute', [[2, 3, 4]], (x) => x.transpose(0, 2).mul(x.permute(2, 1, 0)));
    check('narrow / slice', [[4, 5]], (x) => x.narrow(0, 1, 2).mul(x.slice(1, -2).slice(0, 0, 2).sum(1, true)));
    check('expand / broadcastTo', [[3, 1]], (x) => x.expand(2, 3, 4).mul(x.broadcastTo([3, 4]).exp()));
    check('unsqueeze / squeeze', [[3, 1, 2]], (x) => x.squeeze(1).unsqueeze(0).mul(x.squeeze()));
    check('contiguous / clone', [[3, 4]], (x) => x.T.contiguous().mul(x.T.clone()));
    check('cat (inputs used in several places)', [[2, 3], [2, 1]], (a, b) => cat([a, b, a.mul(b)], 1));
    check('stack', [[2, 3], [2, 3]], (a, b) => stack([a, b.exp(), a], 1));
    check('split / chunk', [[5, 2]], (x) => {
      const [p, q] = x.split([2, 3]);
      const [r] = x.chunk(2, 1);
      return cat([p.mul(2).flatten(), q.sum(0), r.flatten()]);
    });
  });
});
