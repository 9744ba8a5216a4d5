// GPT-2 training steps on WebGPU (Mesa's lavapipe where there is no GPU). The loss and gradients of
// the tiny Hugging Face GPT-2 against PyTorch's (@llm/gpt's fixture, scripts/fixtures/tiny_gpt2.py);
// then three AdamW steps whose losses and weights match the CPU backend's (whose AdamW matches
// torch.optim.AdamW: optim.test.ts). WebGPU must start unless LLM_SKIP_WEBGPU=1.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GPTModel } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
import { cat, initWebGPU, setBackend, tensor, type Tensor } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff as worstDiff } from '../../../testing/compare.js';
import { startTestWebGPU } from '../../../testing/webgpu.js';
import { AdamW, calcLossBatch } from '../src/index.js';

const TINY_GPT2 = fileURLToPath(new URL('../../gpt/test/fixtures/tiny-gpt2', import.meta.url));
type Fixture = { shape: number[]; data: number[] };
const expected: Record<string, Fixture> & { loss: number } = JSON.parse(readFileSync(`${TINY_GPT2}/expected.json`, 'utf8'));
const gpu = await startTestWebGPU(() => initWebGPU());
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => worstDiff(a, b).worst;

// ids (2, 8): inputs are the first 7 tokens, targets the last 7 (as the fixture's loss)
async function batchOn(backend: string): Promise<{ model: GPTModel; inputs: Tensor; targets: Tensor }> {
  setBackend(backend); // the model's parameters go to the default backend
  const model = await loadPretrained(TINY_GPT2).finally(() => setBackend('cpu'));
  if (!(model instanceof GPTModel)) throw new Error(`${TINY_GPT2} should load as a GPTModel`);
  const ids = tensor(Int32Array.from(expected.ids.data), { shape: expected.ids.shape, backend });
  return { model, inputs: ids.narrow(1, 0, 7).contiguous(), targets: ids.narrow(1, 1, 7).contiguous() };
}

describe.runIf(gpu)('a GPT-2 training step on WebGPU', () => {
  it("gives PyTorch's loss and gradients", async () => {
    const { model, inputs, targets } = await batchOn('webgpu');
    expect(model.tokEmb.weight.backend.name).toBe('webgpu');
    const loss = calcLossBatch(inputs, targets, model);
    expect(await loss.item()).toBeCloseTo(expected.loss, 5);
    loss.backward();
    const sd = model.stateDict();
    expect(maxAbsDiff(await sd['tokEmb.weight'].grad!.data(), expected.gradWte.data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await sd['posEmb.weight'].grad!.data(), expected.gradWpe.data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await sd['finalNorm.scale'].grad!.data(), expected.gradLnFWeight.data)).toBeLessThan(1e-5);
    const att = model.trfBlocks[0].att;
    const fused = cat([att.wQuery.weight.grad!.T, att.wKey.weight.grad!.T, att.wValue.weight.grad!.T], -1);
    expect(maxAbsDiff(await fused.data(), expected.gradCAttnWeight0.data)).toBeLessThan(1e-5);
  });

  it('takes the same AdamW steps as the CPU backend', async () => {
    const run = async (backend: string) => {
      const { model, inputs, targets } = await batchOn(backend);
      const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.1 });
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const loss = calcLossBatch(inputs, targets, model);
        loss.backward();
        opt.step();
        losses.push(await loss.item());
      }
      return { losses, weights: await model.stateDict()['trfBlocks.1.ff.layers.0.weight'].data(), wte: await model.tokEmb.weight.data() };
    };
    const onCpu = await run('cpu');
    const onGpu = await run('webgpu');
    expect(onCpu.losses[2]).toBeLessThan(onCpu.losses[0]); // it learns
    expect(maxAbsDiff(onGpu.losses, onCpu.losses)).toBeLessThan(1e-5);
    expect(maxAbsDiff(onGpu.weights, onCpu.weights)).toBeLessThan(1e-5);
    expect(maxAbsDiff(onGpu.wte, onCpu.wte)).toBeLessThan(1e-5);
  });
});
