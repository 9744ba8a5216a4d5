// Elementwise ops: unary math, binary ops with NumPy broadcasting, comparisons, where /
// maskedFill, clamp. Values against float64 JavaScript; gradients against finite differences.
import { describe, expect, it } from 'vitest';
import {
  abs, add, clamp, div, exp, fromTypedArray, gelu, log, maskedFill, maximum, minimum, mul, neg, pow, relu, rsqrt, sigmoid,
  sqrt, sub, tanh, type Tensor, tensor, where,
} from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose, expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats, mapBroadcast, size } from './helpers/ref.js';

const geluRef = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

const unaryTable: [string, (x: Tensor) => Tensor, (x: number) => number, [number, number]][] = [
  ['neg', neg, (x) => -x, [-3, 3]],
  ['exp', exp, Math.exp, [-5, 5]],
  ['log', log, Math.log, [0.01, 50]],
  ['sqrt', sqrt, Math.sqrt, [0, 50]],
  ['rsqrt', rsqrt, (x) => 1 / Math.sqrt(x), [0.01, 50]],
  ['tanh', tanh, Math.tanh, [-6, 6]],
  ['relu', relu, (x) => Math.max(x, 0), [-3, 3]],
  ['sigmoid', sigmoid, (x) => 1 / (1 + Math.exp(-x)), [-12, 12]],
  ['gelu', gelu, geluRef, [-6, 6]],
  ['abs', abs, Math.abs, [-3, 3]],
];

const binaryTable: [string, (a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => number][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['div', div, (a, b) => a / b],
  ['maximum', maximum, Math.max],
  ['minimum', minimum, Math.min],
];

const shapePairs: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[2, 3, 4], [4]],
  [[3, 1], [1, 5]],
  [[2, 1, 4], [3, 1]],
  [[1, 3, 1], [2, 1, 1, 5]],
  [[4], [2, 3, 4]],
  [[2, 3], []],
];

const input = (shape: number[], seed: number, lo = -2, hi = 2, requiresGrad = false) =>
  fromTypedArray(floats(size(shape), seed, lo, hi), shape, { requiresGrad });

describe.each(testBackends())('elementwise (%s)', (backend) => {
  useBackend(backend);

  it.each(unaryTable)('%s matches float64 JavaScript', async (_name, op, ref, [lo, hi]) => {
    const data = floats(37, 3, lo, hi);
    const x = fromTypedArray(data, [37]);
    await expectTensor(op(x), [37], Array.from(data, ref), { atol: 1e-6, rtol: 2e-6 });
  });

  it('unary ops read strided views', async () => {
    const x = tensor([[1, 4], [9, 16]]).T; // (2, 2) transposed
    await expectTensor(x.sqrt(), [2, 2], [1, 3, 2, 4]);
    await expectTensor(x.narrow(1, 1, 1).neg(), [2, 1], [-9, -16]);
  });

  it.each(binaryTable)('%s broadcasts like NumPy', async (_name, op, ref) => {
    for (const [i, [sa, sb]] of shapePairs.entries()) {
      const a = floats(size(sa), 20 + i), b = floats(size(sb), 40 + i, 0.5, 2);
      const want = mapBroadcast([{ data: a, shape: sa }, { data: b, shape: sb }], ref);
      const got = op(fromTypedArray(a, sa), fromTypedArray(b, sb));
      await expectTensor(got, want.shape, want.data, { atol: 1e-6, rtol: 1e-6 }, `${sa} with ${sb}`);
      const swapped = op(fromTypedArray(b, sb), fromTypedArray(a, sa));
      const wantSwapped = mapBroadcast([{ data: b, shape: sb }, { data: a, shape: sa }], ref);
      await expectTensor(swapped, wantSwapped.shape, wantSwapped.data, { atol: 1e-6, rtol: 1e-6 }, `${sb} with ${sa}`);
    }
  });

  it('pow with tensor and scalar exponents', async () => {
    const base = floats(12, 5, 0.5, 2), e = floats(4, 6, -2, 2);
    const want = mapBroadcast([{ data: base, shape: [3, 4] }, { data: e, shape: [4] }], Math.pow);
    await expectTensor(pow(fromTypedArray(base, [3, 4]), fromTypedArray(e, [4])), [3, 4], want.data, { rtol: 1e-5 });
    await expectTensor(tensor([-2, 3]).pow(2), [2], [4, 9]);
    await expectTensor(tensor([4, 9]).pow(0.5), [2], [2, 3], { rtol: 1e-6 });
    await expectTensor(tensor([2, -4]).pow(-1), [2], [0.5, -0.25]);
  });

  it('scalars on either side of a method, and the result keeps the tensor dtype', async () => {
    const x = tensor([1, 2, 3]);
    await expectTensor(x.add(1), [3], [2, 3, 4]);
    await expectTensor(x.sub(1), [3], [0, 1, 2]);
    await expectTensor(x.mul(-2), [3], [-2, -4, -6]);
    await expectTensor(x.div(4), [3], [0.25, 0.5, 0.75]);
    await expectTensor(x.square(), [3], [1, 4, 9]);
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const j = i.mul(3).add(1);
    expect(j.dtype).toBe('int32');
    expect(Array.from(await j.data())).toEqual([4, 7, 10]);
  });

  it('comparisons give a float32 0/1 mask', async () => {
    const a = tensor([1, 2, 3]), b = tensor([3, 2, 1]);
    const cases: [Tensor, number[]][] = [
      [a.eq(b), [0, 1, 0]], [a.ne(b), [1, 0, 1]], [a.lt(b), [1, 0, 0]],
      [a.le(b), [1, 1, 0]], [a.gt(b), [0, 0, 1]], [a.ge(2), [0, 1, 1]],
    ];
    for (const [m, want] of cases) {
      expect(m.dtype).toBe('float32');
      expect(Array.from(await m.data())).toEqual(want);
    }
    const ids = tensor([0, -100, 5], { dtype: 'int32' });
    expect(Array.from(await ids.ne(-100).data())).toEqual([1, 0, 1]);
  });

  it('where and maskedFill broadcast condition and values', async () => {
    const cond = tensor([[1], [0]]);
    const a = tensor([10, 20, 30]);
    await expectTensor(where(cond, a, tensor([[-1], [-2]])), [2, 3], [10, 20, 30, -2, -2, -2]);
    await expectTensor(where(cond, a, 0), [2, 3], [10, 20, 30, 0, 0, 0]);
    const scores = tensor([[1, 2], [3, 4]]);
    const causal = tensor([[0, 1], [0, 0]]);
    const masked = maskedFill(scores, causal, -Infinity);
    await expectTensor(masked, [2, 2], [1, -Infinity, 3, 4]);
    await expectTensor(scores.maskedFill(causal, 0), [2, 2], [1, 0, 3, 4]);
  });

  it('maximum / minimum / clamp', async () => {
    const x = tensor([-2, -0.5, 0.5, 2]);
    await expectTensor(clamp(x, -1, 1), [4], [-1, -0.5, 0.5, 1]);
    await expectTensor(x.clamp(0), [4], [0, 0, 0.5, 2]);
    await expectTensor(x.clamp(undefined, 0), [4], [-2, -0.5, 0, 0]);
    await expectTensor(x.maximum(0.25), [4], [0.25, 0.25, 0.5, 2]);
    await expectTensor(x.minimum(tensor([0])), [4], [-2, -0.5, 0, 0]);
  });

  it('exp and sigmoid saturate without NaN; log(0) is -Infinity', async () => {
    const x = tensor([-1000, 1000, 0]);
    expectClose(await x.sigmoid().data(), [0, 1, 0.5]);
    expect(Array.from(await tensor([0]).log().data())).toEqual([-Infinity]);
    expect(Array.from(await tensor([100]).exp().data())).toEqual([Infinity]);
  });

  describe('gradients match finite differences', () => {
    it.each(unaryTable)('%s', async (name, op) => {
      // inputs kept away from singularities (log, sqrt, rsqrt near 0) and from relu/abs's kink at 0
      const range: Record<string, [number, number]> = { log: [0.3, 3], sqrt: [0.3, 3], rsqrt: [0.3, 3], relu: [0.05, 2], abs: [0.05, 2] };
      const [lo, hi] = range[name] ?? [-2, 2];
      const data = floats(12, 8, lo, hi);
      if (name === 'relu' || name === 'abs') for (let i = 0; i < data.length; i += 2) data[i] = -data[i];
      await gradcheck(op, [fromTypedArray(data, [3, 4], { requiresGrad: true })]);
    });

    it.each([...binaryTable.map(([n, f]) => [n, f] as const), ['pow', (a: Tensor, b: Tensor) => pow(a, b)] as const])('%s with broadcasting', async (name, op) => {
      for (const [i, [sa, sb]] of shapePairs.slice(0, 5).entries()) {
        // positive bases for pow; divisors away from 0; maximum/minimum inputs apart by more than eps
        const [lo, hi] = name === 'pow' || name === 'div' ? [0.5, 2] : [-2, 2];
        const a = input(sa, 60 + i, lo, hi, true);
        const b = name === 'maximum' || name === 'minimum' ? input(sb, 80 + i, 2.5, 3, true).sub(5 * (i % 2)).detach().requiresGrad_() : input(sb, 80 + i, lo, hi, true);
        await gradcheck(op, [a, b]);
      }
    });

    it('scalar operands (x + 1, 2 · x, x / 3, x ** 3)', async () => {
      await gradcheck((x) => x.add(1).mul(2).div(3).pow(3), [input([2, 3], 90, -2, 2, true)]);
    });

    it('clamp passes the gradient only inside the range', async () => {
      const x = fromTypedArray(Float32Array.of(-2, -0.5, 0.3, 0.7, 2), [5], { requiresGrad: true });
      await gradcheck((t) => t.clamp(-1, 1), [x]);
      x.zeroGrad();
      x.clamp(-1, 1).sum().backward();
      expect(Array.from(await x.grad!.data(), (v) => v + 0)).toEqual([0, 1, 1, 1, 0]);
    });

    it('where and maskedFill route the gradient by the mask', async () => {
      const cond = tensor([[1, 0, 1], [0, 0, 1]]);
      await gradcheck((a, b) => where(cond, a, b), [input([2, 3], 91, -2, 2, true), input([3], 92, -2, 2, true)]);
      await gradcheck((a) => maskedFill(a, tensor([[0], [1]]), -5).mul(a), [input([2, 4], 93, -2, 2, true)]);
    });
  });
});
