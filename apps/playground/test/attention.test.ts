// The attention view's weights (MultiHeadAttention's onAttentionWeights, collected over the model)
// against PyTorch's (float64) for @llm/gpt's tiny GPT-2 fixture, and against what the layer itself
// computes: weights · V, heads merged, outProj = the layer's output.
import { noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { headMap, modelAttention } from '../src/lib/attention.js';
import { modelFromSafetensors } from '../src/lib/checkpoint.js';
import { createTinyModel, expectClose, readAttentionFixture, readTinyGpt2 } from './helpers.js';

const fixture = readAttentionFixture();
const { bytes, configJson } = readTinyGpt2();

describe('modelAttention', () => {
  it("gives PyTorch's attention weights for every layer and head within 1e-5", async () => {
    const { model } = modelFromSafetensors(bytes, 'model.safetensors', configJson);
    const maps = await modelAttention(model, fixture.ids.data);
    expect([maps.nLayers, maps.nHeads, maps.T, maps.T]).toEqual(fixture.attention.shape);
    expectClose(maps.weights, fixture.attention.data, 1e-5, 'attention weights');
    model.dispose();
  });

  it('has rows that sum to 1 and no weight on later tokens', async () => {
    const model = createTinyModel(7, { vocabSize: 50, contextLength: 8, embDim: 16, nHeads: 4, nLayers: 2, dropRate: 0, qkvBias: true });
    const maps = await modelAttention(model, [3, 1, 4, 1, 5, 9]);
    const T = maps.T;
    for (let layer = 0; layer < maps.nLayers; layer++) {
      for (let head = 0; head < maps.nHeads; head++) {
        const m = headMap(maps, layer, head);
        for (let q = 0; q < T; q++) {
          let sum = 0;
          for (let k = 0; k < T; k++) {
            if (k > q) expect(m[q * T + k]).toBe(0);
            sum += m[q * T + k];
          }
          expect(sum).toBeCloseTo(1, 5);
        }
      }
    }
    model.dispose();
  });

  it("reproduces the layer's own output when applied to its values", async () => {
    const model = createTinyModel(11, { vocabSize: 50, contextLength: 8, embDim: 16, nHeads: 4, nLayers: 1, dropRate: 0, qkvBias: false });
    const att = model.trfBlocks[0].att;
    const x = tensor(Float32Array.from({ length: 5 * 16 }, (_, i) => Math.sin(i * 0.37)), { shape: [1, 5, 16] });
    const [viaWeights, direct] = noGrad(() => tidy(() => {
      const heads = (t: typeof x) => t.view(1, 5, 4, 4).transpose(1, 2);
      let weights: Tensor | undefined;
      const direct = att.forward(x, { onAttentionWeights: (w) => { weights = w; } });
      const context = weights!.matmul(heads(att.wValue.forward(x))).transpose(1, 2).reshape(1, 5, 16);
      return [att.outProj.forward(context), direct];
    }));
    expectClose(await viaWeights.data(), await direct.data(), 1e-5, 'outProj(weights · V) vs forward');
    model.dispose();
  });

  it('refuses prompts longer than the context', async () => {
    const model = createTinyModel(1, { vocabSize: 50, contextLength: 4, embDim: 8, nHeads: 2, nLayers: 1, dropRate: 0, qkvBias: false });
    await expect(modelAttention(model, [1, 2, 3, 4, 5])).rejects.toThrow(/5 tokens exceed the model's context length 4/);
    await expect(modelAttention(model, [])).rejects.toThrow(/no tokens/);
    model.dispose();
  });
});
