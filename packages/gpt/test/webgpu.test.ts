// The same model on the WebGPU backend (lavapipe on a CPU-only machine): PyTorch's logits, and the
// KV cache giving the ids of uncached generation. WebGPU must start unless LLM_SKIP_WEBGPU=1.
import { getBackend, initWebGPU, setBackend } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { startTestWebGPU } from '../../../testing/webgpu.js';
import { generate } from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { expectMaxAbsDiff, readExpected, TINY_GPT2, toTensor } from './helpers/compare.js';

const started = (await startTestWebGPU(() => initWebGPU())) !== null;

describe.runIf(started)('GPT-2 on WebGPU', () => {
  it('gives PyTorch logits within 1e-4, and cached generation equals uncached', async () => {
    const previous = getBackend().name;
    setBackend('webgpu');
    try {
      const model = await loadPretrained(TINY_GPT2);
      expect(model.tokEmb.weight.backend.name).toBe('webgpu');
      const expected = readExpected();
      const logits = model.forward(toTensor(expected.ids));
      expectMaxAbsDiff(await logits.data(), expected.logits.data, 1e-4, 'webgpu logits');
      const opts = { maxNewTokens: 12, temperature: 1, topK: 20, seed: 4 };
      const cached = await (await generate(model, [[3, 14, 15, 92]], opts)).data();
      const uncached = await (await generate(model, [[3, 14, 15, 92]], { ...opts, useCache: false })).data();
      expect(Array.from(cached)).toEqual(Array.from(uncached));
    } finally {
      setBackend(previous);
    }
  });
});
