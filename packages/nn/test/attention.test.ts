// The book's attention path: simplified self-attention (the book's printed numbers), V1 = V2 with
// the same weights, and the KV cache giving exactly the uncached results.
import { cat, Generator, noGrad, randn, tensor, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { CausalAttention, MultiHeadAttention, SelfAttentionV1, SelfAttentionV2, simplifiedSelfAttention } from '../src/index.js';
import { expectClose } from './helpers/fixtures.js';

// "Your journey starts with one step" as 3-d embeddings (section 3.3)
const inputs = tensor([
  [0.43, 0.15, 0.89], [0.55, 0.87, 0.66], [0.57, 0.85, 0.64], [0.22, 0.58, 0.33], [0.77, 0.25, 0.1], [0.05, 0.8, 0.55],
]);

describe('self-attention', () => {
  it("simplified self-attention gives the book's context vectors", async () => {
    const expected = [
      0.4421, 0.5931, 0.579, 0.4419, 0.6515, 0.5683, 0.4431, 0.6496, 0.5671,
      0.4304, 0.6298, 0.551, 0.4671, 0.591, 0.5266, 0.4177, 0.6503, 0.5645,
    ];
    expectClose(await simplifiedSelfAttention(inputs).data(), expected, { atol: 6e-5, rtol: 0 });
  });

  it("SelfAttentionV1 with V2's weights (transposed) gives V2's output (exercise 3.1)", async () => {
    const v2 = new SelfAttentionV2(3, 2, { generator: new Generator(789) });
    const v1 = new SelfAttentionV1(3, 2);
    v1.loadStateDict({ wQuery: v2.wQuery.weight.T, wKey: v2.wKey.weight.T, wValue: v2.wValue.weight.T });
    expectClose(await v1.forward(inputs).data(), await v2.forward(inputs).data(), { atol: 1e-6 });
  });

  it('SelfAttentionV1 draws its matrices from U[0, 1) as torch.rand', async () => {
    const v1 = new SelfAttentionV1(8, 8, { generator: new Generator(1) });
    const w = await v1.wKey.data();
    expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...w)).toBeLessThan(1);
  });

  it('causal attention lets no token see the future', async () => {
    const ca = new CausalAttention({ dIn: 3, dOut: 2, contextLength: 6, generator: new Generator(2) });
    const batch = inputs.unsqueeze(0);
    const full = await ca.forward(batch).data();
    // changing the last token must not change any earlier output
    const changed = cat([inputs.slice(0, 0, 5), tensor([[9, -9, 9]])], 0).unsqueeze(0);
    const after = await ca.forward(changed).data();
    expectClose(after.slice(0, 10), full.slice(0, 10), { atol: 0, rtol: 0 });
    expect(after[10]).not.toBeCloseTo(full[10], 3);
    expect(() => ca.forward(randn([1, 7, 3]))).toThrow(/7 tokens exceed the context length 6/);
  });
});

describe('MultiHeadAttention', () => {
  const make = () => new MultiHeadAttention({ dIn: 6, dOut: 8, contextLength: 10, numHeads: 2, qkvBias: true, generator: new Generator(4) });

  it('with the KV cache, feeding tokens in pieces gives exactly the full-sequence outputs', async () => {
    const mha = make();
    mha.eval();
    const x = randn([2, 9, 6], { generator: new Generator(8) });
    const full = noGrad(() => mha.forward(x));
    const pieces = noGrad(() =>
      [[0, 4], [4, 1], [5, 1], [6, 3]].map(([s, n]) => tidy(() => mha.forward(x.narrow(1, s, n), { useCache: true }))),
    );
    expect(mha.cacheLength).toBe(9);
    expectClose(await cat(pieces, 1).data(), await full.data(), { atol: 2e-6, rtol: 1e-5, what: 'cached vs full' });
    // the cache is full at 10 tokens: a clear error, then a reset starts over
    expect(() => noGrad(() => mha.forward(x.narrow(1, 0, 2), { useCache: true }))).toThrow(/2 new tokens after 9 cached ones exceed the context length 10/);
    mha.resetCache();
    expect(mha.cacheLength).toBe(0);
    const again = noGrad(() => mha.forward(x.narrow(1, 0, 3), { useCache: true }));
    expect(again.shape).toEqual([2, 3, 8]);
    expectClose(await again.data(), await full.narrow(1, 0, 3).data(), { atol: 2e-6, rtol: 1e-5, what: 'after reset' });
  });

  it('checks its configuration and input shape', () => {
    expect(() => new MultiHeadAttention({ dIn: 4, dOut: 6, contextLength: 4, numHeads: 4 })).toThrow(/dOut \(6\) must be divisible by numHeads \(4\)/);
    expect(() => new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 4 })).toThrow(/numHeads is missing/);
    expect(() => make().forward(randn([1, 3, 5]))).toThrow(/expected input \(batch, tokens, 6\), got \[1, 3, 5\]/);
  });

  it('dropout on the attention weights acts in training mode only', async () => {
    const mha = new MultiHeadAttention({ dIn: 4, dOut: 4, contextLength: 4, numHeads: 2, dropout: 0.5, generator: new Generator(1) });
    const x = randn([1, 4, 4]);
    mha.eval();
    const a = await mha.forward(x).data(), b = await mha.forward(x).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    mha.train();
    expect(Array.from(await mha.forward(x).data())).not.toEqual(Array.from(a));
  });
});
