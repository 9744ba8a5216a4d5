// The Trainer on a tiny model: the loss falls, memory stays flat, the schedule and clipping are
// applied as configured, and a resumed run reproduces the uninterrupted one bit for bit.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, memoryStats } from '@llm/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoader, GPTDataset, warmupCosineLr, type TrainerOptions } from '../src/index.js';
import { readMetrics, Trainer } from '../src/node.js';
import { cyclicTokens, TinyLM } from './helpers/tiny-model.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'llm-train-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const tokens = cyclicTokens(400);
function setup(modelSeed: number, extra: Partial<TrainerOptions> = {}) {
  manualSeed(modelSeed);
  const model = new TinyLM();
  const trainLoader = new DataLoader(new GPTDataset(tokens.subarray(0, 340), { maxLength: 8, stride: 8 }), { batchSize: 4, shuffle: true, dropLast: true, seed: 5 });
  const valLoader = new DataLoader(new GPTDataset(tokens.subarray(340), { maxLength: 8, stride: 8 }), { batchSize: 4 });
  const trainer = new Trainer({ model, trainLoader, valLoader, lr: 0.05, epochs: 3, evalFreq: 3, evalIter: 2, progress: false, seed: 123, ...extra });
  return { model, trainer };
}

describe('Trainer', () => {
  it('the training loss falls and evaluations are recorded as the book (every evalFreq steps from step 0)', async () => {
    const { trainer } = setup(1);
    const r = await trainer.fit();
    expect(r.totalSteps).toBe(30); // 42 samples → 10 batches of 4, 3 epochs
    expect(r.stepLosses).toHaveLength(30);
    const first = r.stepLosses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = r.stepLosses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(last).toBeLessThan(first * 0.6);
    expect(r.evalSteps).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    expect(r.tokensSeen[0]).toBe(32);
    expect(r.valLosses.every(Number.isFinite)).toBe(true);
  });

  it('keeps memory flat from step to step', async () => {
    const seen: { tensors: number; storages: number }[] = [];
    const { trainer } = setup(1, { evalFreq: 1000, onStep: () => { seen.push(memoryStats()); } });
    await trainer.fit({ untilStep: 12 });
    // after the first step made the optimizer state, every step ends where the one before did
    expect(new Set(seen.slice(1).map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it('follows the warmup + cosine schedule and clips only after warmup', async () => {
    const lrs: number[] = [];
    const norms: (number | undefined)[] = [];
    const { trainer } = setup(1, { schedule: 'cosine', warmup: 0.2, initialLr: 1e-3, minLr: 2e-3, clipGradNorm: 1, onStep: (e) => { lrs.push(e.lr); norms.push(e.gradNorm); } });
    await trainer.fit();
    expect(trainer.warmupSteps).toBe(6);
    lrs.forEach((lr, s) => expect(lr).toBeCloseTo(warmupCosineLr(s, { peakLr: 0.05, warmupSteps: 6, totalSteps: 30, initialLr: 1e-3, minLr: 2e-3 }), 12));
    expect(norms.slice(0, 6).every((n) => n === undefined)).toBe(true);
    expect(norms.slice(6).every((n) => typeof n === 'number' && n > 0)).toBe(true);
  });

  it('resuming from a checkpoint gives exactly the losses of an uninterrupted run', async () => {
    const straight = await setup(1).trainer.fit();

    // a first "process" runs 13 steps (mid-epoch) and saves; a second one, built from scratch
    // with a different initialisation, loads that checkpoint and runs the rest
    const out = tmp();
    const a = setup(1, { outDir: out, checkpointEvery: 5 });
    const partial = await a.trainer.fit({ untilStep: 13 });
    expect(partial.stepLosses).toEqual(straight.stepLosses.slice(0, 13));
    expect(existsSync(join(out, 'checkpoints', 'step-00000013', 'model.safetensors'))).toBe(true);

    const b = setup(99, { outDir: out, checkpointEvery: 5 });
    const rest = await b.trainer.resume(); // the latest checkpoint under outDir/checkpoints
    expect(b.trainer.step).toBe(30);
    expect(rest.stepLosses).toEqual(straight.stepLosses.slice(13));
    expect(rest.trainLosses).toEqual(straight.trainLosses);
    expect(rest.valLosses).toEqual(straight.valLosses);
    expect(rest.tokensSeen).toEqual(straight.tokensSeen);
  });

  it('writes metrics.jsonl and the loss plot to outDir', async () => {
    const out = tmp();
    const { trainer } = setup(1, { outDir: out, epochs: 3 });
    await trainer.fit();
    const records = await readMetrics(join(out, 'metrics.jsonl'));
    expect(records.filter((r) => r.type === 'step')).toHaveLength(30);
    expect(records.filter((r) => r.type === 'eval')).toHaveLength(10);
    expect(records.filter((r) => r.type === 'epoch').map((r) => r.epoch)).toEqual([1, 2, 3]);
    const svg = readFileSync(join(out, 'loss.svg'), 'utf8');
    expect(svg).toContain('Tokens seen');
    expect(svg).toContain('Validation loss');
  });

  it('plans a run in steps (ending part-way through an epoch) and samples every sampleEvery steps, per epoch and at the end', async () => {
    // a tokenizer over the tiny vocabulary: token i is the letter 'a' + i
    const tokenizer = {
      encode: (t: string) => [...t].map((c) => c.charCodeAt(0) - 97),
      decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => String.fromCharCode(97 + i)).join(''),
    };
    const samples: { step: number; text: string }[] = [];
    const { trainer } = setup(1, { maxSteps: 12, sampleEvery: 4, sample: { startContext: 'abc', tokenizer, maxNewTokens: 3 }, onSample: (e) => { samples.push(e); } });
    const r = await trainer.fit();
    expect(r.stepLosses).toHaveLength(12);
    expect(trainer.epochs).toBe(2);
    expect(samples.map((e) => e.step)).toEqual([4, 8, 10, 12]);
    for (const e of samples) expect(e.text).toMatch(/^abc[a-q]{3}$/);
  });

  it('refuses a checkpoint from a run of another length', async () => {
    const out = tmp();
    const a = setup(1, { outDir: out, checkpointEvery: 5 });
    await a.trainer.fit({ untilStep: 5 });
    const b = setup(1, { epochs: 2 });
    await expect(b.trainer.loadCheckpoint(join(out, 'checkpoints'))).rejects.toThrow(/30 steps, this Trainer plans 20/);
  });
});
