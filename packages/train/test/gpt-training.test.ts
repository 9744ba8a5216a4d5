// Training the real GPT model: the book's chapter 5 loop on "The Verdict" scaled down (the loss
// falls), trainModelSimple's outputs, createDataLoaderV1 against the book's numbers, and the demo
// end to end on a small text.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPTModel } from '@llm/gpt';
import { loadModel } from '@llm/gpt/node';
import { cpu, manualSeed, memoryStats, tensor } from '@llm/tensor';
import { getEncoding, loadEncoding } from '@llm/tokenizer';
import { afterAll, describe, expect, it } from 'vitest';
import { AdamW, createDataLoaderV1, trainModelSimple } from '../src/index.js';
import { runPretrainDemo, Trainer } from '../src/node.js';

const verdictPath = fileURLToPath(new URL('../../../../shared/data/the-verdict.txt', import.meta.url));
const verdict = existsSync(verdictPath) ? readFileSync(verdictPath, 'utf8') : undefined;
if (!verdict) console.log(`skipping the Verdict tests: ${verdictPath} is absent (../shared/data is read in place)`);

// GPT-2's vocabulary makes even a tiny model's head (embDim x 50257) the bulk of each step: keep steps few and short
const tiny = { vocabSize: 50257, contextLength: 8, embDim: 16, nHeads: 2, nLayers: 1, dropRate: 0.1, qkvBias: false };
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe.runIf(verdict)('The Verdict (chapter 5), scaled down', () => {
  const tokenizer = getEncoding('gpt2');

  it('createDataLoaderV1 gives the book\'s batch counts for context 256 (9 train and 1 val batches of 2)', () => {
    const split = Math.floor(0.9 * verdict!.length);
    const train = createDataLoaderV1(verdict!.slice(0, split), { batchSize: 2, maxLength: 256, stride: 256, tokenizer });
    const val = createDataLoaderV1(verdict!.slice(split), { batchSize: 2, maxLength: 256, stride: 256, shuffle: false, dropLast: false, tokenizer });
    expect(train.length).toBe(9);
    expect(val.length).toBe(1);
    expect(train.dataset.length * 256 + val.dataset.length * 256).toBeLessThanOrEqual(5145);
  });

  it('the training loss falls over a few epochs on the start of the story (the lr scaled up for a tiny model)', async () => {
    const split = Math.floor(0.9 * verdict!.length);
    const trainLoader = createDataLoaderV1(verdict!.slice(0, 300), { batchSize: 2, maxLength: 8, stride: 8, seed: 123, tokenizer });
    const valLoader = createDataLoaderV1(verdict!.slice(split), { batchSize: 2, maxLength: 8, stride: 8, shuffle: false, dropLast: false, tokenizer });
    manualSeed(123);
    const model = new GPTModel(tiny);
    const trainer = new Trainer({ model, trainLoader, valLoader, lr: 1e-2, epochs: 4, evalFreq: 100, evalIter: 1, progress: false });
    const r = await trainer.fit();
    const n = trainLoader.length;
    expect(n).toBeGreaterThanOrEqual(3);
    // PyTorch's initialisation starts near ln(50257) ≈ 10.8
    expect(r.stepLosses[0]).toBeGreaterThan(9.5);
    expect(r.stepLosses[0]).toBeLessThan(12);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(r.stepLosses.slice(0, n));
    const last = mean(r.stepLosses.slice(-n));
    expect(last).toBeLessThan(first - 2);
  });

  it('trainModelSimple returns the book\'s three lists and prints evaluations and samples', async () => {
    const split = Math.floor(0.9 * verdict!.length);
    const text = verdict!.slice(0, 400);
    const trainLoader = createDataLoaderV1(text, { batchSize: 2, maxLength: 8, stride: 8, tokenizer });
    const valLoader = createDataLoaderV1(verdict!.slice(split, split + 200), { batchSize: 2, maxLength: 8, stride: 8, shuffle: false, dropLast: false, tokenizer });
    manualSeed(123);
    const model = new GPTModel(tiny);
    const lines: string[] = [];
    const r = await trainModelSimple(model, trainLoader, valLoader, new AdamW(model.parameters(), { lr: 4e-4, weightDecay: 0.1 }), 1, 3, 1, 'Every effort moves you', tokenizer, { log: (l) => lines.push(l), maxNewTokens: 3 });
    const steps = trainLoader.length;
    expect(steps).toBeGreaterThan(3);
    expect(r.trainLosses).toHaveLength(Math.ceil(steps / 3));
    expect(r.valLosses).toHaveLength(r.trainLosses.length);
    expect(r.tokensSeen.slice(0, 2)).toEqual([16, 64]);
    expect(lines[0]).toMatch(/^Ep 1 \(Step 000000\): Train loss \d+\.\d{3}, Val loss \d+\.\d{3}$/);
    expect(lines.at(-1)!.startsWith('Every effort moves you')).toBe(true);
  });
});

describe('Trainer with GPTModel', () => {
  it('keeps tensors, storages and backend bytes flat from step to step (evaluations included)', async () => {
    const ids = Int32Array.from({ length: 400 }, (_, i) => (i * 37) % 50257);
    const { DataLoader, GPTDataset } = await import('../src/index.js');
    const trainLoader = new DataLoader(new GPTDataset(ids.subarray(0, 300), { maxLength: 8, stride: 8 }), { batchSize: 2, shuffle: true, dropLast: true });
    const valLoader = new DataLoader(new GPTDataset(ids.subarray(300), { maxLength: 8, stride: 8 }), { batchSize: 2 });
    manualSeed(1);
    const model = new GPTModel(tiny);
    const seen: string[] = [];
    const trainer = new Trainer({ model, trainLoader, valLoader, lr: 1e-3, maxSteps: 7, evalFreq: 2, evalIter: 1, progress: false, onStep: () => { seen.push(JSON.stringify({ ...memoryStats(), bytes: cpu.memory().bytes })); } });
    await trainer.fit();
    expect(new Set(seen.slice(1)).size).toBe(1);
  });
});

describe('runPretrainDemo', () => {
  it('trains a BPE and a model on a text, samples, plots, and saves what loadModel and loadEncoding read back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'llm-demo-'));
    dirs.push(out);
    const text = 'The jury said the city was well run. The city said the jury was fair. '.repeat(12);
    const lines: string[] = [];
    const r = await runPretrainDemo({ text, config: tiny, steps: 8, batchSize: 2, lr: 1e-2, outDir: out, evalFreq: 7, evalIter: 1, sampleEvery: 4, sampleTokens: 2, progress: false, log: (l) => lines.push(l), plotFormats: ['svg', 'png'] });
    for (const f of ['model.safetensors', 'config.json', 'tokenizer.json', 'metrics.jsonl', 'loss.svg', 'loss.png']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.config.vocabSize).toBe(r.tokenizer.nVocab);
    expect(r.config.vocabSize).toBeLessThan(1000); // a BPE of this short text stops early
    expect(r.finalTrainLoss).toBeLessThan(r.config.vocabSize > 0 ? Math.log(r.config.vocabSize) : 0);
    expect(lines.some((l) => l.startsWith('The jury said'))).toBe(true);
    // bits per byte over the validation loss's tokens: the targets of the first evalIter (1) batch of 2
    // windows of 8, tokens [1, 17) of the validation text (ASCII, so a character is a byte)
    const valIds = r.tokenizer.encode(text.slice(Math.floor(0.9 * text.length)), { allowedSpecial: 'all' });
    const bytes = r.tokenizer.decode(valIds.slice(1, 17)).length;
    expect(r.finalValBitsPerByte).toBeCloseTo((r.finalValLoss * 16) / (bytes * Math.LN2), 10);
    const tokenizer = loadEncoding(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
    expect(tokenizer.encode('The jury said')).toEqual(r.tokenizer.encode('The jury said'));
    const loaded = await loadModel(out);
    r.model.eval();
    const ids = tensor([tokenizer.encode('The city was fair')], { dtype: 'int32' });
    expect(Array.from(loaded.forward(ids).dataSync())).toEqual(Array.from(r.model.forward(ids).dataSync()));
  });

  it('trains a named size without dropout unless asked, and keeps a config object\'s own', async () => {
    const text = 'The jury said the city was well run. The city said the jury was fair. '.repeat(60);
    const quick = { text, steps: 1, batchSize: 2, evalFreq: 1, evalIter: 1, sampleEvery: 100, sampleTokens: 1, progress: false, log: () => {}, plotFormats: [] as ('svg' | 'png')[] };
    const run = async (o: Parameters<typeof runPretrainDemo>[0]) => {
      const out = mkdtempSync(join(tmpdir(), 'llm-demo-'));
      dirs.push(out);
      return (await runPretrainDemo({ ...quick, ...o, outDir: out })).config.dropRate;
    };
    expect(await run({ config: 'tiny', vocabSize: 300 })).toBe(0);
    expect(await run({ config: 'tiny', vocabSize: 300, dropRate: 0.2 })).toBe(0.2);
    expect(await run({ config: { ...tiny, dropRate: 0.3 } })).toBe(0.3);
  });
});
