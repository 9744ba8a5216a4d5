// MultiHeadAttention's onAttentionWeights option against the math written out in float64 from the
// layer's own projection weights: softmax over keys of (q·k)/√headDim, future keys masked; with the
// KV cache, the new queries' rows against all cached keys.
import { Generator, noGrad, randn, type Tensor, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { MultiHeadAttention } from '../src/index.js';
import { expectClose } from './helpers/fixtures.js';

/** (B, H, T, T) causal attention weights of x (B, T, dIn), computed in plain float64. */
async function referenceWeights(att: MultiHeadAttention, x: Tensor): Promise<number[]> {
  const [B, T, dIn] = x.shape;
  const xs = await x.data();
  const wq = await att.wQuery.weight.data(), wk = await att.wKey.weight.data();
  const bq = att.wQuery.bias ? await att.wQuery.bias.data() : null, bk = att.wKey.bias ? await att.wKey.bias.data() : null;
  const project = (w: ArrayLike<number>, bias: ArrayLike<number> | null, b: number, t: number, o: number) => {
    let sum = bias ? bias[o] : 0;
    for (let i = 0; i < dIn; i++) sum += xs[(b * T + t) * dIn + i] * w[o * dIn + i]; // Linear: x Wᵀ + b
    return sum;
  };
  const { numHeads: H, headDim: D } = att;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < T; q++) {
        const scores: number[] = [];
        for (let k = 0; k <= q; k++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += project(wq, bq, b, q, h * D + d) * project(wk, bk, b, k, h * D + d);
          scores.push(dot / Math.sqrt(D));
        }
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, e) => a + e, 0);
        for (let k = 0; k < T; k++) out.push(k <= q ? exps[k] / total : 0);
      }
    }
  }
  return out;
}

describe('MultiHeadAttention onAttentionWeights', () => {
  const make = () => new MultiHeadAttention({ dIn: 6, dOut: 8, contextLength: 10, numHeads: 2, qkvBias: true, dropout: 0.5, generator: new Generator(5) }).eval();

  it('gives softmax(mask(QKᵀ)/√headDim) for every head, as the math written out in float64', async () => {
    const att = make();
    const x = randn([2, 5, 6], { generator: new Generator(9) });
    const seen: Tensor[] = [];
    const weights = noGrad(() => tidy(() => {
      att.forward(x, { onAttentionWeights: (w) => seen.push(w) });
      return seen[0];
    }));
    expect(seen.length).toBe(1);
    expect(weights.shape).toEqual([2, 2, 5, 5]);
    expectClose(await weights.data(), await referenceWeights(att, x), { atol: 1e-6 });
  });

  it('with the KV cache, gives the new queries against every cached key (the full rows)', async () => {
    const att = make();
    const x = randn([1, 6, 6], { generator: new Generator(10) });
    const full = await referenceWeights(att, x); // (1, 2, 6, 6)
    const parts = noGrad(() => [[0, 4], [4, 2]].map(([start, n]) => tidy(() => {
      let w: Tensor | undefined;
      att.forward(x.narrow(1, start, n), { useCache: true, onAttentionWeights: (t) => { w = t; } });
      return w!;
    })));
    expect(parts[1].shape).toEqual([1, 2, 2, 6]);
    const late = await parts[1].data();
    for (let h = 0; h < 2; h++) {
      const want = full.slice((h * 6 + 4) * 6, (h * 6 + 6) * 6); // rows 4 and 5 of head h
      expectClose(late.slice(h * 12, h * 12 + 12), want, { atol: 1e-6 });
    }
  });

  it('leaves the output unchanged (up to rounding: without the callback, inference takes the fused attention kernel)', async () => {
    const att = make();
    const x = randn([1, 4, 6], { generator: new Generator(11) });
    const plain = await noGrad(() => att.forward(x)).data();
    const observed = await noGrad(() => att.forward(x, { onAttentionWeights: () => {} })).data();
    expectClose(observed, plain, { atol: 1e-6, rtol: 1e-6 });
    // with gradients recorded both take the composed path: the same operations, the same bits
    const recorded = await att.forward(x).data();
    const recordedObserved = await att.forward(x, { onAttentionWeights: () => {} }).data();
    expectClose(recordedObserved, recorded, { atol: 0, rtol: 0 });
  });
});
