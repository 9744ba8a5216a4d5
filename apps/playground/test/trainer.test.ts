// Training in the page: the loss falls on the built-in text, runs repeat exactly with the same
// seed, and a text too short for one sample is refused with a clear message.
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEXT } from '../src/lib/corpus.js';
import { createTinyModel } from '../src/lib/tinyModel.js';
import { gpt2Encoding } from '../src/lib/tokens.js';
import { DEFAULT_TRAINING, PageTrainer } from '../src/lib/trainer.js';

const SMALL = { vocabSize: 50257, contextLength: 16, embDim: 32, nHeads: 2, nLayers: 1, dropRate: 0, qkvBias: false };
const builtinIds = () => Int32Array.from(gpt2Encoding().encode(BUILTIN_TEXT));

async function losses(steps: number): Promise<number[]> {
  const model = createTinyModel(3, SMALL);
  const trainer = new PageTrainer(model, builtinIds(), { ...DEFAULT_TRAINING, maxLength: 16, stride: 8, batchSize: 4, lr: 1e-2 });
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push((await trainer.step()).loss);
  expect(trainer.stepsDone).toBe(steps);
  expect(model.training).toBe(false); // back in eval mode for generation and attention
  trainer.dispose();
  model.dispose();
  return out;
}

describe('PageTrainer', () => {
  it('has a built-in text of 100-200 GPT-2 tokens', () => {
    const n = builtinIds().length;
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(200);
  });

  it('lowers the loss from its random-init level (above ln 50257 ≈ 10.8 with N(0, 1) embeddings)', async () => {
    const run = await losses(15);
    expect(run.every(Number.isFinite)).toBe(true);
    expect(run[0]).toBeGreaterThan(Math.log(50257));
    expect(Math.min(...run.slice(-3))).toBeLessThan(run[0] * 0.7);
  });

  it('repeats a run exactly with the same seeds', async () => {
    expect(await losses(3)).toEqual(await losses(3));
  });

  it('refuses a text shorter than one sample', () => {
    const model = createTinyModel(3, SMALL);
    expect(() => new PageTrainer(model, Int32Array.from([1, 2, 3]), DEFAULT_TRAINING)).toThrow(/the text has 3 tokens; training needs more than 16/);
    model.dispose();
  });
});
