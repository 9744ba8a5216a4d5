// The memory rules on a real model: a small GPT trained step after step holds @llm/tensor's
// counters and the backend's buffers and bytes flat, with each step in one tidy() scope and also
// without any tidy, where the loop disposes only what it was handed (the loss; the loader's
// batches free themselves). On the CPU over 1,000 steps, on WebGPU (lavapipe) over fewer, slower ones.
import { GPTModel } from '@llm/gpt';
import { getBackend, initWebGPU, manualSeed, memoryStats, setBackend, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { startTestWebGPU } from '../../../testing/webgpu.js';
import { AdamW, calcLossBatch, DataLoader, trainModelSimple } from '../src/index.js';

const gpu = await startTestWebGPU(() => initWebGPU());
const config = { vocabSize: 50, contextLength: 8, embDim: 16, nHeads: 2, nLayers: 2, dropRate: 0.1, qkvBias: false };

// 16 samples of (input, target) ids: a loader of 4 batches (4, 8) per epoch
const dataset = {
  length: 16,
  get: (i: number) => ({
    input: Int32Array.from({ length: 8 }, (_, t) => (i * 7 + t * 3) % 50),
    target: Int32Array.from({ length: 8 }, (_, t) => (i * 7 + t * 3 + 1) % 50),
  }),
};

type Snapshot = { tensors: number; storages: number; buffers: number; bytes: number };

async function train(backend: string, steps: number, scoped: boolean) {
  setBackend(backend);
  try {
    manualSeed(1);
    const before: Snapshot = { ...memoryStats(), ...getBackend().memory() };
    const model = new GPTModel(config);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
    const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true, backend });
    model.train();
    const snapshots: Snapshot[] = [];
    let last = NaN;
    let step = 0;
    while (step < steps) {
      for (const [x, y] of loader) {
        step++;
        const oneStep = () => {
          optimizer.zeroGrad();
          const l = calcLossBatch(x, y, model);
          l.backward();
          optimizer.step();
          return l;
        };
        // outside tidy the rules leave one tensor to the loop: the loss it was handed
        const loss = scoped ? tidy(oneStep) : oneStep();
        if (step % 50 === 0) last = await loss.item();
        loss.dispose();
        if (step === 10 || step === steps) snapshots.push({ ...memoryStats(), ...getBackend().memory() });
        if (step === steps) break;
      }
    }
    optimizer.dispose();
    model.dispose();
    const after: Snapshot = { ...memoryStats(), ...getBackend().memory() };
    return { snapshots, last, before, after };
  } finally {
    setBackend('cpu');
  }
}

function expectFlat(r: Awaited<ReturnType<typeof train>>) {
  const [early, late] = r.snapshots;
  expect(Number.isFinite(r.last)).toBe(true);
  expect(late.tensors).toBe(early.tensors);
  expect(late.storages).toBe(early.storages);
  // never more; fewer when buffers that other tests forgot are collected meanwhile (FinalizationRegistry)
  expect(late.buffers).toBeLessThanOrEqual(early.buffers);
  expect(late.bytes).toBeLessThanOrEqual(early.bytes);
  // and disposing the model and the optimizer gives back everything they held
  expect(r.after.tensors).toBe(r.before.tensors);
  expect(r.after.storages).toBe(r.before.storages);
}

// the library's own loop, with its evaluations and samples: nothing left once model and optimizer go
async function trainSimple(backend: string, epochs: number) {
  setBackend(backend);
  try {
    manualSeed(2);
    const before = { ...memoryStats(), ...getBackend().memory() };
    const model = new GPTModel(config);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
    const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true, backend });
    const tokenizer = { encode: (t: string) => Array.from(t, (c) => c.charCodeAt(0) % 50), decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => String.fromCharCode(97 + (i % 26))).join('') };
    const r = await trainModelSimple(model, loader, loader, optimizer, epochs, 4, 2, 'ab', tokenizer, { log: () => {}, maxNewTokens: 3 });
    const during = { ...memoryStats(), ...getBackend().memory() };
    optimizer.dispose();
    model.dispose();
    return { r, before, during, after: { ...memoryStats(), ...getBackend().memory() } };
  } finally {
    setBackend('cpu');
  }
}

describe('memory stays flat over many training steps of a GPT', () => {
  it('cpu: trainModelSimple (with evaluations and samples) leaves only the model and optimizer state', async () => {
    const { r, before, during, after } = await trainSimple('cpu', 25); // 100 steps
    expect(r.trainLosses.length).toBe(25);
    const model = new GPTModel(config);
    const params = model.parameters().length;
    model.dispose();
    expect(during.tensors - before.tensors).toBe(3 * params); // parameters and AdamW's two moments (gradients zeroed)
    expect(after.tensors).toBe(before.tensors);
    expect(after.storages).toBe(before.storages);
    expect(after.bytes).toBeLessThanOrEqual(before.bytes); // less if buffers other tests forgot were collected
  });

  it('cpu: 1,000 steps, each in tidy', async () => expectFlat(await train('cpu', 1000, true)));
  it('cpu: 1,000 steps without tidy, disposing only the loss', async () => expectFlat(await train('cpu', 1000, false)));
  it.runIf(gpu)('webgpu: 250 steps, each in tidy', async () => expectFlat(await train('webgpu', 250, true)));
  it.runIf(gpu)('webgpu: 250 steps without tidy, disposing only the loss', async () => expectFlat(await train('webgpu', 250, false)));
});
