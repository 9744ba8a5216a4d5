// Configs, parameter counts (the book's figures), the model's shapes, checks and initialisation.
import { cat, Generator, noGrad, randint, tensor } from '@llm/tensor';
import type { Linear } from '@llm/nn';
import { describe, expect, it } from 'vitest';
import { ConfigError, countParameters, GPT_CONFIG_124M, GPT_CONFIGS, gptConfig, type GPTConfig, GPTModel } from '../src/index.js';
import { expectMaxAbsDiff } from './helpers/compare.js';

const tiny: GPTConfig = { vocabSize: 50, contextLength: 12, embDim: 16, nLayers: 2, nHeads: 4, dropRate: 0.1, qkvBias: false };

describe('configs and parameter counts', () => {
  it("counts the book's figures for GPT-2 small: 163,009,536 / 124,412,160 tied / 621.83 MB", () => {
    const c = countParameters(GPT_CONFIG_124M);
    expect(c.total).toBe(163_009_536);
    expect(c.tied).toBe(124_412_160);
    expect(c.megabytes.toFixed(2)).toBe('621.83');
  });

  it("counts the book's figures for the larger sizes (exercise 4.2)", () => {
    const rows = Object.entries(GPT_CONFIGS).map(([name, cfg]) => {
      const c = countParameters(cfg);
      return [name, c.total, c.tied, c.megabytes.toFixed(2)];
    });
    expect(rows).toEqual([
      ['gpt2-small', 163_009_536, 124_412_160, '621.83'],
      ['gpt2-medium', 406_212_608, 354_749_440, '1549.58'],
      ['gpt2-large', 838_220_800, 773_891_840, '3197.56'],
      ['gpt2-xl', 1_637_792_000, 1_557_380_800, '6247.68'],
    ]);
  });

  it('counting a built 124M model agrees with the formula, untied and tied', () => {
    const model = new GPTModel(GPT_CONFIG_124M, { init: 'none' });
    expect(model.numParameters()).toBe(163_009_536);
    expect(countParameters(model)).toEqual(countParameters(GPT_CONFIG_124M));
    model.tieWeights();
    const tied = countParameters(model);
    expect([tied.total, tied.tied, tied.stored]).toEqual([163_009_536, 124_412_160, 124_412_160]);
    model.dispose();
  });

  it('gptConfig resolves sizes and overrides; bad configs name the field', () => {
    expect(gptConfig('124M', { contextLength: 256 })).toEqual({ ...GPT_CONFIG_124M, contextLength: 256 });
    expect(gptConfig('gpt2-xl').embDim).toBe(1600);
    expect(() => gptConfig('gpt2-huge')).toThrow(/unknown GPT-2 size "gpt2-huge"/);
    expect(() => new GPTModel({ ...tiny, nHeads: 5 })).toThrow(ConfigError);
    expect(() => new GPTModel({ ...tiny, nHeads: 5 })).toThrow(/embDim \(16\) must be divisible by nHeads \(5\)/);
    expect(() => new GPTModel({ ...tiny, nLayers: 0 })).toThrow(/config field "nLayers": must be a positive integer/);
    expect(() => new GPTModel({ ...tiny, dropRate: 1 })).toThrow(/dropRate/);
  });
});

describe('GPTModel', () => {
  it('maps int32 ids (B, T) to logits (B, T, vocab), names its parts as the book', () => {
    const model = new GPTModel(tiny);
    const logits = model.forward(randint(0, 50, [3, 7]));
    expect(logits.shape).toEqual([3, 7, 50]);
    expect(Object.keys(model.stateDict()).slice(0, 4)).toEqual(['tokEmb.weight', 'posEmb.weight', 'trfBlocks.0.att.wQuery.weight', 'trfBlocks.0.att.wKey.weight']);
    expect(Object.keys(model.stateDict())).toContain('trfBlocks.1.ff.layers.2.bias');
    expect(Object.keys(model.stateDict()).at(-1)).toBe('outHead.weight');
  });

  it('refuses ids that are not int32 (B, T) or longer than the context', () => {
    const model = new GPTModel(tiny);
    expect(() => model.forward(tensor([[1, 2]]))).toThrow(/ids must be int32/);
    expect(() => model.forward(tensor([1, 2], { dtype: 'int32' }))).toThrow(/expected ids \(batch, tokens\)/);
    expect(() => model.forward(randint(0, 50, [1, 13]))).toThrow(/13 tokens exceed the model's context length 12/);
  });

  it('the same generator seed gives the same weights', async () => {
    const a = new GPTModel(tiny, { generator: new Generator(123) });
    const b = new GPTModel(tiny, { generator: new Generator(123) });
    const ids = randint(0, 50, [1, 5]);
    a.eval();
    b.eval();
    expect(Array.from(await a.forward(ids).data())).toEqual(Array.from(await b.forward(ids).data()));
  });

  it("'pytorch' init: embeddings N(0, 1), linear U(±1/√fanIn), norms ones/zeros", async () => {
    const model = new GPTModel({ ...tiny, embDim: 64, vocabSize: 400 }, { generator: new Generator(1) });
    const emb = await model.tokEmb.weight.data();
    expect(std(emb)).toBeGreaterThan(0.95);
    expect(std(emb)).toBeLessThan(1.05);
    const w = await (model.trfBlocks[0].ff.layers[2] as Linear).weight.data(); // Linear(256, 64)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / 16);
    expect(std(w)).toBeCloseTo(1 / 16 / Math.sqrt(3), 3);
    expect(Array.from(await model.finalNorm.scale.data()).every((v) => v === 1)).toBe(true);
  });

  it("'gpt2' init: N(0, 0.02), residual projections N(0, 0.02/√(2·nLayers)), zero biases", async () => {
    const model = new GPTModel({ ...tiny, embDim: 128, nLayers: 8, vocabSize: 300 }, { init: 'gpt2', generator: new Generator(2) });
    expect(std(await model.tokEmb.weight.data())).toBeCloseTo(0.02, 3);
    expect(std(await model.trfBlocks[0].att.wQuery.weight.data())).toBeCloseTo(0.02, 3);
    expect(std(await model.trfBlocks[3].att.outProj.weight.data())).toBeCloseTo(0.02 / 4, 3);
    expect(std(await (model.trfBlocks[3].ff.layers[2] as Linear).weight.data())).toBeCloseTo(0.02 / 4, 3);
    expect(Array.from(await (model.trfBlocks[0].ff.layers[0] as Linear).bias!.data()).every((v) => v === 0)).toBe(true);
  });

  it('tieWeights shares one tensor between the token embedding and the head', () => {
    const model = new GPTModel(tiny, { tieWeights: true });
    expect(model.weightsTied).toBe(true);
    expect(model.numParameters()).toBe(countParameters(tiny).tied);
  });

  it('the KV cache gives the logits of a full forward, one token at a time', async () => {
    const model = new GPTModel({ ...tiny, qkvBias: true }, { generator: new Generator(5) }).eval();
    const ids = randint(0, 50, [2, 10], { generator: new Generator(6) });
    const full = await noGrad(() => model.forward(ids)).data();
    const steps = noGrad(() => [model.forward(ids.narrow(1, 0, 6), { useCache: true }),
      ...[6, 7, 8, 9].map((t) => model.forward(ids.narrow(1, t, 1), { useCache: true }))]);
    expect(model.cacheLength).toBe(10);
    const joined = cat(steps, 1);
    expectMaxAbsDiff(await joined.data(), full, 1e-5, 'cached logits');
    expect(() => noGrad(() => model.forward(ids.narrow(1, 0, 3), { useCache: true }))).toThrow(/3 new tokens after 10 cached ones exceed the context length 12; call resetCache\(\)/);
    model.resetCache();
    expect(model.cacheLength).toBe(0);
  });

  it('lastTokenOnly gives the last row of the full logits', async () => {
    const model = new GPTModel(tiny).eval();
    const ids = randint(0, 50, [2, 5]);
    const last = model.forward(ids, { lastTokenOnly: true });
    expect(last.shape).toEqual([2, 1, 50]);
    expectMaxAbsDiff(await last.data(), await model.forward(ids).narrow(1, 4, 1).data(), 1e-6, 'last logits');
  });
});

function std(xs: ArrayLike<number>): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < xs.length; i++) { s += xs[i]; s2 += xs[i] * xs[i]; }
  const m = s / xs.length;
  return Math.sqrt(s2 / xs.length - m * m);
}

