// Reductions over any dims with keepdim: sum, mean, var, max/min, argmax/argmin. Values against
// float64 JavaScript; gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { argmax, argmin, fromTypedArray, max, mean, min, sum, tensor, variance } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose, expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats, reduce, refMean, refSum, refVar, size } from './helpers/ref.js';

const dimCases: [number[], number[] | null, boolean][] = [
  [[3, 5], null, false],
  [[3, 5], [1], false],
  [[2, 3, 7], [0], true],
  [[2, 3, 7], [0, 2], false],
  [[2, 3, 7], [-1], true],
  [[4, 1, 3], [1], false],
  [[2, 3, 4], null, true],
  [[2, 3, 4, 5], [1, 3], true],
];

const argmaxOf = (xs: number[]) => xs.indexOf(Math.max(...xs));
const argminOf = (xs: number[]) => xs.indexOf(Math.min(...xs));

describe.each(testBackends())('reductions (%s)', (backend) => {
  useBackend(backend);

  it.each(dimCases)('sum / mean / var of %j over %j (keepdim %s)', async (shape, dims, keepdim) => {
    const data = floats(size(shape), size(shape) + (dims?.length ?? 9));
    const x = fromTypedArray(data, shape);
    const all = dims ?? shape.map((_, i) => i);
    const s = reduce(data, shape, all, keepdim, refSum);
    await expectTensor(sum(x, dims, keepdim), s.shape, s.data, { atol: 1e-5, rtol: 1e-5 });
    const m = reduce(data, shape, all, keepdim, refMean);
    await expectTensor(x.mean(dims, keepdim), m.shape, m.data, { atol: 1e-6, rtol: 1e-5 });
    for (const unbiased of [true, false]) {
      const v = reduce(data, shape, all, keepdim, refVar(unbiased));
      await expectTensor(variance(x, dims, { unbiased, keepdim }), v.shape, v.data, { atol: 1e-6, rtol: 1e-5 });
    }
  });

  it('a single dim can be given as a number; the default reduces everything to a 0-d tensor', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    await expectTensor(x.sum(0), [3], [5, 7, 9]);
    await expectTensor(x.sum(-1, true), [2, 1], [6, 15]);
    await expectTensor(x.sum(), [], [21]);
    expect(await x.mean().item()).toBe(3.5);
    await expectTensor(x.var(), [], [3.5]); // unbiased by default, as torch.var
    await expectTensor(x.var(1, { unbiased: false }), [2], [2 / 3, 2 / 3], { rtol: 1e-6 });
  });

  it('reductions of non-contiguous views (transposed, narrowed, expanded)', async () => {
    const data = floats(24, 7);
    const x = fromTypedArray(data, [4, 6]);
    const t = x.T; // (6, 4)
    const want = reduce(data, [4, 6], [0], false, refSum); // summing t over dim 1 = x over dim 0
    await expectTensor(t.sum(1), [6], want.data, { atol: 1e-5 });
    const n = x.narrow(1, 2, 3);
    await expectTensor(n.sum(1), [4], [0, 1, 2, 3].map((r) => data[r * 6 + 2] + data[r * 6 + 3] + data[r * 6 + 4]), { atol: 1e-5 });
    await expectTensor(tensor([[1], [2]]).expand(2, 5).sum(), [], [15]);
  });

  it('sum of int32 stays int32', async () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    const s = x.sum(0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([4, 6]);
  });

  it('sums many values accurately (float32 result of a float64-grade reference)', async () => {
    const n = 100_000;
    const data = floats(n, 11, 0, 1);
    const want = refSum(Array.from(data));
    const got = await tensor(data).sum().item();
    expect(Math.abs(got - want) / want).toBeLessThan(1e-5);
  });

  it.each([[[3, 5], 1, false], [[3, 5], 0, true], [[2, 3, 7], -1, false], [[2, 3, 7], 1, true]] as [number[], number, boolean][])(
    'max / min / argmax / argmin of %j over dim %i (keepdim %s)', async (shape, dim, keepdim) => {
      const data = floats(size(shape), 30 + dim);
      const x = fromTypedArray(data, shape);
      for (const [op, f] of [[max, Math.max], [min, Math.min]] as const) {
        const want = reduce(data, shape, [dim], keepdim, (xs) => f(...xs));
        await expectTensor(op(x, dim, keepdim), want.shape, want.data);
      }
      for (const [op, f] of [[argmax, argmaxOf], [argmin, argminOf]] as const) {
        const want = reduce(data, shape, [dim], keepdim, f);
        const got = op(x, dim, keepdim);
        expect(got.dtype).toBe('int32');
        await expectTensor(got, want.shape, want.data);
      }
    });

  it('max / argmax without a dim look at every element; ties pick the first index', async () => {
    const x = tensor([[1, 7, 3], [7, 0, -2]]);
    expect(await x.max().item()).toBe(7);
    expect(await x.min().item()).toBe(-2);
    expect(await x.argmax().item()).toBe(1);
    expect(await x.argmin().item()).toBe(5);
    expect(Array.from(await tensor([[2, 5, 5], [9, 9, 1]]).argmax(1).data())).toEqual([1, 0]);
  });

  describe('gradients match finite differences', () => {
    const small: [number[], number[] | null, boolean][] = [
      [[3, 4], null, false], [[3, 4], [1], false], [[2, 3, 2], [0], true], [[2, 3, 2], [0, 2], false], [[2, 3, 2], [-1], true], [[3, 1, 2], [1], false],
    ];
    it.each(small)('sum / mean / var of %j over %j (keepdim %s)', async (shape, dims, keepdim) => {
      const data = floats(size(shape), 50 + size(shape));
      const x = () => fromTypedArray(data, shape, { requiresGrad: true });
      await gradcheck((t) => sum(t, dims, keepdim), [x()]);
      await gradcheck((t) => mean(t, dims, keepdim), [x()]);
      const count = (dims ?? shape.map((_, i) => i)).reduce((n, d) => n * shape.at(d)!, 1);
      if (count > 1) await gradcheck((t) => variance(t, dims, { keepdim }), [x()]); // unbiased needs N > 1
      await gradcheck((t) => variance(t, dims, { keepdim, unbiased: false }), [x()]);
    });

    it('sum of a transposed view', async () => {
      await gradcheck((t) => t.T.sum(1).mul(t.sum(0)), [fromTypedArray(floats(12, 5), [3, 4], { requiresGrad: true })]);
    });

    it('max / min send the gradient to the extreme element', async () => {
      // distinct values, spaced by far more than eps, so a perturbation cannot change the winner
      const shuffled = Float32Array.from([5, 0, 9, 3, 11, 7, 1, 10, 4, 8, 2, 6], (v) => v * 0.25 - 1.5);
      const x = () => fromTypedArray(shuffled, [3, 4], { requiresGrad: true });
      await gradcheck((t) => max(t, 1), [x()]);
      await gradcheck((t) => min(t, 0, true), [x()]);
      await gradcheck((t) => t.max(), [x()]);
      const y = x();
      y.max(1).sum().backward();
      expectClose(await y.grad!.data(), [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    });

    it('tied maxima share the gradient evenly', async () => {
      const x = tensor([[2, 5, 5], [1, 0, 1]], { requiresGrad: true });
      x.max(1).sum().backward();
      expectClose(await x.grad!.data(), [0, 0.5, 0.5, 0.5, 0, 0.5]);
    });
  });
});
