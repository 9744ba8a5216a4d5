// Neural-network ops: softmax / logSoftmax (stable), crossEntropy (ignore index, mean),
// layerNorm, dropout. Values against float64 JavaScript; gradients against finite differences.
import { describe, expect, it } from 'vitest';
import {
  crossEntropy, dropout, fromTypedArray, Generator, layerNorm, logSoftmax, softmax, type Tensor, tensor,
} from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose, expectTensor } from './helpers/close.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats, logSoftmaxRow, permuted, refMean, refVar, size, softmaxRow } from './helpers/ref.js';

/** Applies a row function along `dim` of (data, shape), by moving dim last and back. */
function alongDim(data: ArrayLike<number>, shape: number[], dim: number, f: (row: number[]) => number[]): number[] {
  const d = dim < 0 ? dim + shape.length : dim;
  const order = [...shape.keys()].filter((i) => i !== d).concat(d);
  const moved = permuted(data, shape, order);
  const n = shape[d];
  const rows: number[] = [];
  for (let i = 0; i < moved.length; i += n) rows.push(...f(moved.slice(i, i + n)));
  const movedShape = order.map((i) => shape[i]);
  const inverse = order.map((_, i) => order.indexOf(i));
  return permuted(rows, movedShape, inverse);
}

/** Mean cross-entropy over rows whose target is not ignoreIndex. */
function refCrossEntropy(logits: ArrayLike<number>, c: number, targets: number[], ignoreIndex = -100): number {
  let total = 0, count = 0;
  targets.forEach((t, i) => {
    if (t === ignoreIndex) return;
    total -= logSoftmaxRow(Array.from(logits).slice(i * c, (i + 1) * c))[t];
    count++;
  });
  return total / count;
}

describe.each(testBackends())('nn ops (%s)', (backend) => {
  useBackend(backend);

  it.each([[[3, 5], -1], [[3, 5], 0], [[2, 3, 7], 1], [[2, 3, 7], -1]] as [number[], number][])(
    'softmax / logSoftmax of %j along dim %i', async (shape, dim) => {
      const data = floats(size(shape), 17 + dim, -3, 3);
      const x = fromTypedArray(data, shape);
      await expectTensor(softmax(x, dim), shape, alongDim(data, shape, dim, softmaxRow), { atol: 1e-6, rtol: 1e-5 });
      await expectTensor(logSoftmax(x, dim), shape, alongDim(data, shape, dim, logSoftmaxRow), { atol: 1e-5, rtol: 1e-5 });
      const rows = await softmax(x, dim).sum(dim).data();
      expectClose(rows, new Array(rows.length).fill(1), { atol: 1e-6 });
    });

  it('softmax / logSoftmax are stable for huge logits (the row max is subtracted first)', async () => {
    const x = tensor([[1000, 1001, 1002], [-1000, -1001, -1003]]);
    const want = [softmaxRow([0, 1, 2]), softmaxRow([0, -1, -3])].flat();
    await expectTensor(x.softmax(), [2, 3], want, { atol: 1e-6 });
    await expectTensor(x.logSoftmax(), [2, 3], [logSoftmaxRow([0, 1, 2]), logSoftmaxRow([0, -1, -3])].flat(), { atol: 1e-5 });
  });

  it('softmax over a causal mask of -Infinity gives exact zeros, and a fully masked row no NaN in the rest', async () => {
    const scores = tensor([[0.5, 1.5, 2], [0.1, -0.3, 0.7], [1, 2, 3]]);
    const mask = tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
    const p = scores.maskedFill(mask, -Infinity).softmax(-1);
    await expectTensor(p, [3, 3], [[1, 0, 0], softmaxRow([0.1, -0.3]).concat(0), softmaxRow([1, 2, 3])].flat(), { atol: 1e-6 });
    const allMasked = tensor([[-Infinity, -Infinity], [1, 2]]).softmax();
    const d = await allMasked.data();
    expectClose(d.slice(2), softmaxRow([1, 2]), { atol: 1e-6 });
  });

  it('crossEntropy: mean over rows, as PyTorch; targets of -100 are left out of sum and count', async () => {
    const c = 5;
    const logits = floats(6 * c, 3, -2, 2);
    const targets = [1, 4, 0, -100, 3, -100];
    const ce = crossEntropy(fromTypedArray(logits, [6, c]), tensor(targets, { dtype: 'int32' }));
    expect(ce.shape).toEqual([]);
    expectClose([await ce.item()], [refCrossEntropy(logits, c, targets)], { rtol: 1e-5 });
    // a custom ignore index
    const t2 = [1, 4, 0, 2, 3, 2];
    const ce2 = crossEntropy(fromTypedArray(logits, [6, c]), tensor(t2, { dtype: 'int32' }), { ignoreIndex: 2 });
    expectClose([await ce2.item()], [refCrossEntropy(logits, c, t2, 2)], { rtol: 1e-5 });
  });

  it('crossEntropy of (B, T, C) logits with (B, T) targets flattens them', async () => {
    const logits = floats(2 * 3 * 4, 8, -3, 3);
    const targets = [[0, 3, -100], [2, 1, 1]];
    const ce = crossEntropy(fromTypedArray(logits, [2, 3, 4]), tensor(targets, { dtype: 'int32' }));
    expectClose([await ce.item()], [refCrossEntropy(logits, 4, targets.flat())], { rtol: 1e-5 });
  });

  it('crossEntropy of uniform logits is ln(C), and stays finite for huge logits', async () => {
    const ce = crossEntropy(tensor([[0, 0, 0, 0]]), tensor([2], { dtype: 'int32' }));
    expectClose([await ce.item()], [Math.log(4)], { rtol: 1e-6 });
    const big = crossEntropy(tensor([[1000, -1000]]), tensor([1], { dtype: 'int32' }));
    expectClose([await big.item()], [2000], { rtol: 1e-6 });
  });

  it('layerNorm normalises the last dim with a biased variance, then scales and shifts', async () => {
    const shape = [2, 3, 8];
    const data = floats(size(shape), 21, -3, 5);
    const w = floats(8, 22, 0.5, 1.5), b = floats(8, 23, -0.5, 0.5);
    const want: number[] = [];
    for (let r = 0; r < 6; r++) {
      const row = Array.from(data.slice(r * 8, r * 8 + 8));
      const m = refMean(row), v = refVar(false)(row);
      row.forEach((x, i) => want.push(((x - m) / Math.sqrt(v + 1e-5)) * w[i] + b[i]));
    }
    const out = layerNorm(fromTypedArray(data, shape), fromTypedArray(w, [8]), fromTypedArray(b, [8]));
    await expectTensor(out, shape, want, { atol: 1e-5, rtol: 1e-5 });
    const plain = await layerNorm(fromTypedArray(data, shape), null, null).data();
    const row0 = Array.from(plain.slice(0, 8));
    expect(Math.abs(refMean(row0))).toBeLessThan(1e-6);
    expect(Math.abs(refVar(false)(row0) - 1)).toBeLessThan(1e-3); // eps = 1e-5 shrinks it a little
  });

  it('dropout zeroes about p of the elements and scales the rest by 1/(1-p); identity when not training', async () => {
    const x = tensor(new Float32Array(20_000).fill(2));
    const y = dropout(x, 0.25, { generator: new Generator(5) });
    const d = await y.data();
    const zeros = d.filter((v) => v === 0).length;
    expect(Math.abs(zeros / d.length - 0.25)).toBeLessThan(0.02); // ~6.5 standard deviations
    expect(d.every((v) => v === 0 || Math.abs(v - 2 / 0.75) < 1e-6)).toBe(true);
    expect(dropout(x, 0.25, { training: false })).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    const again = await dropout(x, 0.25, { generator: new Generator(5) }).data();
    expect(Array.from(again)).toEqual(Array.from(d));
  });

  describe('gradients match finite differences', () => {
    const leaf = (shape: number[], seed: number, lo = -2, hi = 2) => fromTypedArray(floats(size(shape), seed, lo, hi), shape, { requiresGrad: true });

    it('softmax / logSoftmax along each dim', async () => {
      for (const dim of [0, 1, -1]) {
        await gradcheck((x) => softmax(x, dim), [leaf([2, 2, 3], 30 + dim)]);
        await gradcheck((x) => logSoftmax(x, dim), [leaf([2, 2, 3], 40 + dim)]);
      }
    });

    it('softmax with a causal mask', async () => {
      const mask = tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
      await gradcheck((x) => x.maskedFill(mask, -Infinity).softmax(), [leaf([2, 3, 3], 50)]);
    });

    it('crossEntropy with ignored targets', async () => {
      const targets = tensor([[1, -100, 3], [0, 2, -100]], { dtype: 'int32' });
      await gradcheck((x) => crossEntropy(x, targets), [leaf([2, 3, 4], 51, -3, 3)]);
      await gradcheck((x) => crossEntropy(x, tensor([2, 0], { dtype: 'int32' })), [leaf([2, 5], 52, -3, 3)]);
    });

    it('layerNorm (input, weight and bias)', async () => {
      await gradcheck((x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, w, b), [leaf([3, 6], 53, -2, 3), leaf([6], 54, 0.5, 1.5), leaf([6], 55)]);
    });

    it('dropout with a fixed generator', async () => {
      await gradcheck((x) => dropout(x, 0.4, { generator: new Generator(3) }), [leaf([4, 5], 56)]);
    });
  });
});
