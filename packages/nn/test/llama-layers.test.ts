// Llama / Qwen3 layers against their PyTorch twins (scripts/fixtures/llama_layers.py, written from
// Hugging Face's modeling code): same weights and input → same output, input and weight gradients.
import { Generator, noGrad, randn, type Tensor, tensor } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import {
  GroupedQueryAttention, type Llama3RopeScaling, RMSNorm, RotaryEmbedding, ropeInverseFrequencies, SwiGLUFeedForward,
} from '../src/index.js';
import { expectClose, expectMatchesFixture, type FixtureCase, type FixtureModule, readFixture } from './helpers/fixtures.js';

const HF_NAMES: Record<string, string> = {
  q_proj: 'wQuery', k_proj: 'wKey', v_proj: 'wValue', o_proj: 'outProj', q_norm: 'qNorm', k_norm: 'kNorm',
  gate_proj: 'gate', up_proj: 'up', down_proj: 'down',
};
const ourName = (hf: string) => hf.split('.').map((p) => HF_NAMES[p] ?? p).join('.');

function scalingOf(s: Record<string, number> | null): Llama3RopeScaling | null {
  if (!s) return null;
  return { ropeType: 'llama3', factor: s.factor, lowFreqFactor: s.low_freq_factor, highFreqFactor: s.high_freq_factor, originalMaxPositionEmbeddings: s.original_max_position_embeddings };
}

function build(c: FixtureCase): FixtureModule {
  const cfg = c.config as Record<string, never>;
  switch (c.class) {
    case 'RMSNorm': return new RMSNorm(cfg.dim, cfg.eps);
    case 'SwiGLU': return new SwiGLUFeedForward({ embDim: cfg.embDim, hiddenDim: cfg.hiddenDim });
    case 'Rope': {
      const rope = new RotaryEmbedding({ headDim: cfg.headDim, contextLength: 32, theta: cfg.theta, scaling: scalingOf(cfg.scaling) });
      return { forward: (x) => rope.apply(x, cfg.offset) };
    }
    case 'GroupedQueryAttention': {
      const rope = new RotaryEmbedding({ headDim: cfg.headDim, contextLength: cfg.contextLength, theta: cfg.theta, scaling: scalingOf(cfg.scaling) });
      return new GroupedQueryAttention({
        dIn: cfg.dIn, numHeads: cfg.numHeads, numKVHeads: cfg.numKVHeads, headDim: cfg.headDim, contextLength: cfg.contextLength, rope,
        qkNormEps: cfg.qkNormEps ?? undefined,
      });
    }
    default: throw new Error(`no module for fixture class ${c.class}`);
  }
}

const cases = readFixture('llama-layers.json');

describe('Llama/Qwen3 layers match their PyTorch twins', () => {
  it('covers every class the fixtures hold', () => {
    expect(new Set(cases.map((c) => c.class))).toEqual(new Set(['RMSNorm', 'Rope', 'SwiGLU', 'GroupedQueryAttention']));
  });

  for (const c of cases) {
    it(`${c.name}: forward, input gradient and weight gradients`, async () => {
      // strict: our names and shapes are Hugging Face's, renamed
      await expectMatchesFixture(build(c), c, ourName);
    });
  }
});

describe('rotary embeddings', () => {
  it("llama3 scaling keeps high frequencies, divides low ones by factor, blends the band (Llama 3.2's settings)", () => {
    const scaling: Llama3RopeScaling = { ropeType: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
    const plain = ropeInverseFrequencies(64, 500000);
    const scaled = ropeInverseFrequencies(64, 500000, scaling);
    for (let i = 0; i < 32; i++) {
      const wavelen = (2 * Math.PI) / plain[i];
      if (wavelen < 8192 / 4) expect(scaled[i]).toBe(plain[i]);
      else if (wavelen > 8192) expect(scaled[i]).toBeCloseTo(plain[i] / 32, 12);
      else {
        expect(scaled[i]).toBeLessThan(plain[i]);
        expect(scaled[i]).toBeGreaterThan(plain[i] / 32);
      }
    }
  });

  it('rotates pairs by position·θ: norms kept, q·k depends only on the distance', async () => {
    const rope = new RotaryEmbedding({ headDim: 8, contextLength: 64 });
    const g = new Generator(5);
    const q = randn([1, 1, 1, 8], { generator: g }), k = randn([1, 1, 1, 8], { generator: g });
    const dot = async (pq: number, pk: number) => (await rope.apply(q, pq).mul(rope.apply(k, pk)).sum().item());
    expect(await dot(3, 1)).toBeCloseTo(await dot(40, 38), 4);
    expect(await dot(0, 0)).toBeCloseTo(await q.mul(k).sum().item(), 5);
    const n = async (t: Tensor) => t.square().sum().item();
    expect(await n(rope.apply(q, 17))).toBeCloseTo(await n(q), 4);
  });

  it('refuses positions past the context length and odd head sizes', () => {
    const rope = new RotaryEmbedding({ headDim: 4, contextLength: 8 });
    expect(() => rope.apply(tensor(new Float32Array(4 * 3), { shape: [1, 1, 3, 4] }), 6)).toThrow(/positions \[6, 9\) exceed the context length 8/);
    expect(() => new RotaryEmbedding({ headDim: 5, contextLength: 8 })).toThrow(/headDim must be even/);
  });
});

describe('grouped-query attention', () => {
  it('caches only the KV heads and gives the uncached outputs token by token', async () => {
    const rope = new RotaryEmbedding({ headDim: 4, contextLength: 10, theta: 1000 });
    const att = new GroupedQueryAttention({ dIn: 12, numHeads: 6, numKVHeads: 2, headDim: 4, contextLength: 10, rope, qkNormEps: 1e-6, generator: new Generator(1) });
    expect(att.wKey.weight.shape).toEqual([8, 12]);
    expect(att.wQuery.weight.shape).toEqual([24, 12]);
    const x = randn([2, 7, 12], { generator: new Generator(2) });
    const full = await noGrad(() => att.forward(x)).data();
    const first = noGrad(() => att.forward(x.narrow(1, 0, 4), { useCache: true }));
    const parts = [await first.data()];
    for (let t = 4; t < 7; t++) parts.push(await noGrad(() => att.forward(x.narrow(1, t, 1), { useCache: true })).data());
    expect(att.cacheLength).toBe(7);
    // (B, T, C) pieces back in order
    const stitched = new Float32Array(full.length);
    for (let b = 0; b < 2; b++) {
      stitched.set(parts[0].subarray(b * 48, (b + 1) * 48), b * 84);
      for (let t = 4; t < 7; t++) stitched.set(parts[t - 3].subarray(b * 12, (b + 1) * 12), b * 84 + t * 12);
    }
    expectClose(stitched, full, { what: 'cached vs uncached' });
    att.resetCache();
    expect(att.cacheLength).toBe(0);
  });

  it('hands out its attention weights (B, heads, T, keys): causal rows that sum to one', async () => {
    const rope = new RotaryEmbedding({ headDim: 4, contextLength: 8 });
    const att = new GroupedQueryAttention({ dIn: 8, numHeads: 4, numKVHeads: 2, headDim: 4, contextLength: 8, rope, generator: new Generator(3) });
    let seen: Tensor | undefined;
    noGrad(() => att.forward(randn([1, 3, 8], { generator: new Generator(4) }), { onAttentionWeights: (w) => { seen = w.clone(); } }));
    expect(seen!.shape).toEqual([1, 4, 3, 3]);
    const w = await seen!.data();
    for (let r = 0; r < 12; r++) {
      const row = Array.from(w.slice(3 * r, 3 * r + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const t = r % 3; // the query's position
      for (let j = t + 1; j < 3; j++) expect(row[j]).toBe(0);
    }
  });

  it('names bad head settings', () => {
    const rope = new RotaryEmbedding({ headDim: 4, contextLength: 8 });
    expect(() => new GroupedQueryAttention({ dIn: 8, numHeads: 3, numKVHeads: 2, headDim: 4, contextLength: 8, rope })).toThrow(/numHeads \(3\) must be a multiple of numKVHeads \(2\)/);
    expect(() => new GroupedQueryAttention({ dIn: 8, numHeads: 2, headDim: 6, contextLength: 8, rope })).toThrow(/rotary embedding is for heads of 4/);
  });
});

describe('RMSNorm', () => {
  it('is x / rms(x) · weight by hand', async () => {
    const n = new RMSNorm(2, 1e-6);
    const y = await n.forward(tensor([[3, 4]])).data();
    const rms = Math.sqrt((9 + 16) / 2 + 1e-6);
    expectClose(y, [3 / rms, 4 / rms]);
    expect(() => n.forward(tensor([[1, 2, 3]]))).toThrow(/RMSNorm\(2\): input's last dim is 3/);
  });
});

describe('gradients against central finite differences', () => {
  // loss = Σ out · w for a fixed random w; d loss / d x[i] ≈ (loss(x + h·eᵢ) − loss(x − h·eᵢ)) / 2h, in float64 sums
  async function checkGrad(f: (x: Tensor) => Tensor, shape: number[], seed: number) {
    const g = new Generator(seed);
    const x0 = await randn(shape, { generator: g }).data();
    const x = tensor(Float32Array.from(x0), { shape, requiresGrad: true });
    const out = f(x);
    const w = await randn([...out.shape], { generator: g }).data();
    out.backward(tensor(Float32Array.from(w), { shape: [...out.shape] }));
    const analytic = await x.grad!.data();
    const loss = async (xs: Float32Array) => {
      const o = await noGrad(() => f(tensor(xs, { shape }))).data();
      let s = 0;
      for (let i = 0; i < o.length; i++) s += o[i] * w[i];
      return s;
    };
    const h = 1e-2;
    for (const i of [0, 3, Math.floor(x0.length / 2), x0.length - 1]) {
      const plus = Float32Array.from(x0), minus = Float32Array.from(x0);
      plus[i] += h;
      minus[i] -= h;
      const numeric = ((await loss(plus)) - (await loss(minus))) / (2 * h);
      expect(Math.abs(analytic[i] - numeric), `element ${i}: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThan(2e-2 * (1 + Math.abs(numeric)));
    }
  }

  it('RMSNorm, SwiGLU and grouped-query attention with q/k norms', async () => {
    const norm = new RMSNorm(6);
    await checkGrad((x) => norm.forward(x), [2, 6], 1);
    const ff = new SwiGLUFeedForward({ embDim: 6, hiddenDim: 10, generator: new Generator(2) });
    await checkGrad((x) => ff.forward(x), [2, 3, 6], 3);
    const rope = new RotaryEmbedding({ headDim: 4, contextLength: 8, theta: 100 });
    const att = new GroupedQueryAttention({ dIn: 6, numHeads: 4, numKVHeads: 2, headDim: 4, contextLength: 8, rope, qkNormEps: 1e-6, generator: new Generator(4) });
    await checkGrad((x) => att.forward(x), [1, 5, 6], 5);
  });
});
