// LoRA beyond the PyTorch fixture: the book's parameter counts on the real GPT-2 small
// architecture, the initialisation, merging and saving adapters on their own.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gptConfig, GPTModel } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
import { Linear } from '@llm/nn';
import { assign, manualSeed, noGrad, randint, randn, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { LinearWithLoRA, LoRALayer, loraLayers, mergeLoRA, prepareClassifier, replaceLinearWithLoRA } from '../src/index.js';
import { loadLoRA, saveLoRA } from '../src/node.js';
import { expectClose, TINY_GPT2 } from './helpers/fixtures.js';

describe('the book\'s counts on GPT-2 small (124M, qkv biases, 2-class head)', () => {
  it('124,441,346 trainable parameters before, 2,666,528 after LoRA rank 16', () => {
    // init 'none' allocates zeros (about 500 MB) without drawing random numbers
    const model = new GPTModel(gptConfig('gpt2-small', { qkvBias: true }), { init: 'none' });
    model.outHead.dispose();
    model.outHead = new Linear(768, 2, { init: 'none' });
    expect(model.numParameters({ trainableOnly: true })).toBe(124_441_346);
    model.freeze();
    expect(model.numParameters({ trainableOnly: true })).toBe(0);
    const names = replaceLinearWithLoRA(model, 16, 16);
    expect(names.length).toBe(12 * 6 + 1); // q, k, v, out projection and two feed-forward layers per block, and the head
    expect(model.numParameters({ trainableOnly: true })).toBe(2_666_528);
    model.dispose();
  });
});

describe('LoRALayer', () => {
  it('starts with B = 0 and A uniform in ±1/√rank (kaiming_uniform with a = √5, fan_in = rank)', async () => {
    manualSeed(1);
    const layer = new LoRALayer(64, 48, 4, 8);
    expect(layer.A.shape).toEqual([64, 4]);
    expect(layer.B.shape).toEqual([4, 48]);
    expect(Array.from(await layer.B.data()).every((v) => v === 0)).toBe(true);
    const a = Array.from(await layer.A.data());
    const bound = 1 / Math.sqrt(4);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.95 * bound); // 256 draws reach near the bound
  });

  it('a fresh adapter leaves the layer\'s output unchanged; the update is alpha·x·A·B (not alpha/rank)', async () => {
    manualSeed(2);
    const linear = new Linear(6, 5);
    const wrapped = new LinearWithLoRA(linear, 2, 3);
    const x = randn([4, 6]);
    expectClose(await wrapped.forward(x).data(), await linear.forward(x).data(), 0, 'fresh adapter');
    noGrad(() => assign(wrapped.lora.B, randn([2, 5])));
    const [xa, a, b] = [await x.toArray(), await wrapped.lora.A.toArray(), await wrapped.lora.B.toArray()] as number[][][];
    const base = await linear.forward(x).toArray() as number[][];
    // by hand: y[i][o] = base + 3 · Σ_r (Σ_k x[i][k] A[k][r]) B[r][o]
    const want = base.map((row, i) => row.map((v, o) => v + 3 * [0, 1].reduce((s, r) => s + xa[i].reduce((t, xv, k) => t + xv * a[k][r], 0) * b[r][o], 0)));
    expectClose(await wrapped.forward(x).data(), want.flat(), 1e-5, 'adapted output');
  });
});

describe('replaceLinearWithLoRA, mergeLoRA, saveLoRA / loadLoRA', () => {
  async function adaptedModel() {
    manualSeed(3);
    const model = (await loadPretrained(TINY_GPT2)) as GPTModel;
    prepareClassifier(model, { numClasses: 3 });
    replaceLinearWithLoRA(model, 4, 2, { include: (name) => name.includes('.att.') || name === 'outHead' });
    // make the adapters do something: random B
    noGrad(() => { for (const [, l] of loraLayers(model)) assign(l.lora.B, randn(l.lora.B.shape as number[], { std: 0.2 })); });
    return model;
  }

  it('include picks the layers by name; the base weights are frozen', async () => {
    const model = await adaptedModel();
    const names = loraLayers(model).map(([n]) => n);
    expect(names.sort()).toEqual([
      'trfBlocks.0.att.wQuery', 'trfBlocks.0.att.wKey', 'trfBlocks.0.att.wValue', 'trfBlocks.0.att.outProj',
      'trfBlocks.1.att.wQuery', 'trfBlocks.1.att.wKey', 'trfBlocks.1.att.wValue', 'trfBlocks.1.att.outProj', 'outHead',
    ].sort());
    const trainable = model.namedParameters().filter(([, p]) => p.requiresGrad).map(([n]) => n);
    expect(trainable.every((n) => /\.lora\.[AB]$/.test(n))).toBe(true);
    expect(replaceLinearWithLoRA(model, 4, 2, { include: (n) => n === 'outHead' })).toEqual([]); // already adapted
  });

  it('the merged model gives the adapted model\'s logits and has plain Linear layers again', async () => {
    const model = await adaptedModel();
    model.eval();
    const ids = randint(0, 96, [2, 10], { dtype: 'int32' });
    const before = await noGrad(() => tidy(() => model.forward(ids))).data();
    const merged = mergeLoRA(model);
    expect(merged.length).toBe(9);
    expect(loraLayers(model)).toEqual([]);
    expect(model.trfBlocks[0].att.wQuery).toBeInstanceOf(Linear);
    expect(Object.keys(model.stateDict()).some((k) => k.includes('lora'))).toBe(false);
    const after = await noGrad(() => tidy(() => model.forward(ids))).data();
    expectClose(after, before, 2e-5, 'merged logits');
  });

  it('adapters saved alone load into a fresh copy of the base model and reproduce its logits', async () => {
    const model = await adaptedModel();
    model.eval();
    const dir = mkdtempSync(join(tmpdir(), 'lora-'));
    const path = join(dir, 'adapters.safetensors');
    const saved = await saveLoRA(model, path, { extra: ['outHead.linear.weight', 'outHead.linear.bias'] });
    expect(saved).toContain('trfBlocks.1.att.outProj.lora.B');
    expect(readdirSync(dir)).toEqual(['adapters.safetensors']); // no temporary file left
    const ids = randint(0, 96, [2, 7], { dtype: 'int32' });
    const want = await noGrad(() => tidy(() => model.forward(ids))).data();

    const fresh = (await loadPretrained(TINY_GPT2)) as GPTModel;
    prepareClassifier(fresh, { numClasses: 3 }); // a different random head: the file carries the trained one
    await loadLoRA(fresh, path);
    fresh.eval();
    expect(loraLayers(fresh).map(([n]) => n)).toEqual(loraLayers(model).map(([n]) => n));
    expectClose(await noGrad(() => tidy(() => fresh.forward(ids))).data(), want, 1e-6, 'reloaded logits');
    expect(fresh.numParameters({ trainableOnly: true })).toBe(model.numParameters({ trainableOnly: true }));
  });

  it('errors name what is wrong', async () => {
    const model = (await loadPretrained(TINY_GPT2)) as GPTModel;
    await expect(saveLoRA(model, join(tmpdir(), 'none.safetensors'))).rejects.toThrow(/no LoRA adapters/);
    expect(() => replaceLinearWithLoRA(model, 0, 1)).toThrow(/rank must be a positive integer/);
    await expect(loadLoRA(model, join(TINY_GPT2, 'model.safetensors'))).rejects.toThrow(/not a LoRA adapter file/);
  });
});
