// Layers against hand-computed references and the distributions PyTorch initialises from.
import { Generator, randn, tensor } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, Embedding, Linear } from '../src/index.js';
import { expectClose } from './helpers/fixtures.js';

function stats(xs: ArrayLike<number>) {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < xs.length; i++) { s += xs[i]; s2 += xs[i] * xs[i]; min = Math.min(min, xs[i]); max = Math.max(max, xs[i]); }
  const mean = s / xs.length;
  return { mean, variance: s2 / xs.length - mean * mean, min, max };
}

describe('Linear', () => {
  it('computes x Wᵀ + b with W stored (out, in), on any leading dims', async () => {
    const lin = new Linear(3, 2);
    lin.loadStateDict({ weight: tensor([[1, 2, 3], [-1, 0, 2]]), bias: tensor([0.5, -1]) });
    const x = tensor([[[1, 1, 1], [2, 0, -1]]]); // (1, 2, 3)
    const y = lin.forward(x);
    expect(y.shape).toEqual([1, 2, 2]);
    // by hand: [1+2+3+0.5, -1+0+2-1], [2+0-3+0.5, -2+0-2-1]
    expect(Array.from(await y.data())).toEqual([6.5, 0, -0.5, -5]);
    expect(() => lin.forward(tensor([[1, 2]]))).toThrow(/Linear\(3, 2\): input's last dim is 2, expected 3/);
  });

  it("draws PyTorch's default U(±1/√fanIn) for weight and bias", async () => {
    const lin = new Linear(64, 512, { generator: new Generator(1) });
    const w = stats(await lin.weight.data()), b = stats(await lin.bias!.data());
    const bound = 1 / 8;
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThan(bound);
    expect(w.max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(0.002);
    expect(w.variance).toBeCloseTo((bound * bound) / 3, 4); // variance of U(-a, a) is a²/3
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThan(bound);
    expect(new Linear(4, 4, { bias: false }).bias).toBeNull();
  });

  it("init 'none' leaves zeros for weights that will be loaded", async () => {
    const lin = new Linear(3, 3, { init: 'none' });
    expect(Array.from(await lin.weight.data()).every((v) => v === 0)).toBe(true);
    expect(() => new Linear(0, 3)).toThrow(/inFeatures must be a positive integer/);
  });
});

describe('Embedding', () => {
  it('draws N(0, 1) and looks rows up by int32 id', async () => {
    const emb = new Embedding(1000, 64, { generator: new Generator(3) });
    const s = stats(await emb.weight.data());
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(s.variance).toBeGreaterThan(0.98);
    expect(s.variance).toBeLessThan(1.02);
    const rows = emb.forward(tensor([[7, 2]], { dtype: 'int32' }));
    expect(rows.shape).toEqual([1, 2, 64]);
    const w = await emb.weight.data(), r = await rows.data();
    expectClose(r.slice(0, 64), w.slice(7 * 64, 8 * 64));
    expectClose(r.slice(64), w.slice(2 * 64, 3 * 64));
    expect(() => emb.forward(tensor([1.5]))).toThrow(/ids must be int32/);
  });
});

describe('Dropout', () => {
  it('zeroes about p of the values in training, scales the rest by 1/(1-p), and is the identity in eval', async () => {
    const d = new Dropout(0.25, new Generator(5));
    const x = randn([4000]).abs().add(0.1);
    const [xs, ys] = [await x.data(), await d.forward(x).data()];
    let zeros = 0;
    for (let i = 0; i < xs.length; i++) {
      if (ys[i] === 0) zeros++;
      else expect(ys[i]).toBeCloseTo(xs[i] / 0.75, 5);
    }
    expect(zeros / xs.length).toBeGreaterThan(0.22);
    expect(zeros / xs.length).toBeLessThan(0.28);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(() => new Dropout(1)).toThrow(/\[0, 1\)/);
  });
});
