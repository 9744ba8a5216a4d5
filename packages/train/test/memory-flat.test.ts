// The memory rules on a real model: a small GPT trained step after step, each step in one tidy()
// scope (AdamW's moments and the parameters are kept), holds @llm/tensor's counters and the
// backend's buffers flat — on the CPU over 1,000 steps, on WebGPU (lavapipe) over fewer, slower ones.
import { GPTModel } from '@llm/gpt';
import { getBackend, initWebGPU, manualSeed, memoryStats, randint, setBackend, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { startTestWebGPU } from '../../../testing/webgpu.js';
import { AdamW, calcLossBatch } from '../src/index.js';

const gpu = await startTestWebGPU(() => initWebGPU());
const config = { vocabSize: 50, contextLength: 8, embDim: 16, nHeads: 2, nLayers: 2, dropRate: 0.1, qkvBias: false };

async function train(backend: string, steps: number) {
  setBackend(backend);
  try {
    manualSeed(1);
    const model = new GPTModel(config);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
    const x = randint(0, 50, [4, 8]), y = randint(0, 50, [4, 8]);
    model.train();
    const snapshots: { tensors: number; storages: number; buffers: number }[] = [];
    let last = NaN;
    for (let step = 1; step <= steps; step++) {
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = calcLossBatch(x, y, model);
        l.backward();
        optimizer.step();
        return l;
      });
      if (step % 50 === 0) last = await loss.item();
      loss.dispose();
      if (step === 10 || step === steps) snapshots.push({ ...memoryStats(), buffers: getBackend().memory().buffers });
    }
    return { snapshots, last };
  } finally {
    setBackend('cpu');
  }
}

describe('memory stays flat over many training steps of a GPT', () => {
  it('cpu: 1,000 steps', async () => {
    const { snapshots: [early, late], last } = await train('cpu', 1000);
    expect(Number.isFinite(last)).toBe(true);
    expect(late.tensors).toBe(early.tensors);
    expect(late.storages).toBe(early.storages);
    expect(late.buffers).toBeLessThanOrEqual(early.buffers); // forgotten buffers of other tests may be collected meanwhile
  });

  it.runIf(gpu)('webgpu: 250 steps', async () => {
    const { snapshots: [early, late], last } = await train('webgpu', 250);
    expect(Number.isFinite(last)).toBe(true);
    expect(late.tensors).toBe(early.tensors);
    expect(late.storages).toBe(early.storages);
    expect(late.buffers).toBeLessThanOrEqual(early.buffers);
  });
});
