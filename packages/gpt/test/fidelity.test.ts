// The model against PyTorch: a tiny random GPT-2 in Hugging Face's layout
// (scripts/fixtures/tiny_gpt2.py) loaded with loadPretrained must give PyTorch's logits, loss and
// gradients.
import { cat, crossEntropy } from '@llm/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GPTModel } from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { expectMaxAbsDiff, readExpected, TINY_GPT2, toTensor } from './helpers/compare.js';

const expected = readExpected();
let model: GPTModel;

beforeAll(async () => {
  model = (await loadPretrained(TINY_GPT2)) as GPTModel;
});

describe('tiny GPT-2 from Hugging Face layout', () => {
  it('maps the config and ties the head to the token embedding (no lm_head in the file)', () => {
    expect(model.config).toEqual({ vocabSize: 96, contextLength: 16, embDim: 32, nLayers: 2, nHeads: 4, dropRate: 0.1, qkvBias: true });
    expect(model.weightsTied).toBe(true);
    expect(model.training).toBe(false);
  });

  it('gives PyTorch logits within 1e-4, for a batch and for a full context', async () => {
    const logits = model.forward(toTensor(expected.ids));
    expect(logits.shape).toEqual([2, 8, 96]);
    expectMaxAbsDiff(await logits.data(), expected.logits.data, 1e-4, 'logits');
    const logits16 = model.forward(toTensor(expected.ids16));
    expectMaxAbsDiff(await logits16.data(), expected.logits16.data, 1e-4, 'logits16');
  });

  it("gives PyTorch's loss and gradients (tied embedding, fused c_attn, Conv1D layout)", async () => {
    const ids = toTensor(expected.ids);
    const logits = model.forward(ids);
    const loss = crossEntropy(logits.narrow(1, 0, 7), ids.narrow(1, 1, 7));
    expect(await loss.item()).toBeCloseTo(expected.loss, 5);
    model.zeroGrad();
    loss.backward();
    const sd = model.stateDict();
    const grad = async (name: string) => sd[name].grad!.data();
    expectMaxAbsDiff(await grad('tokEmb.weight'), expected.gradWte.data, 1e-5, 'grad wte (embedding + head)');
    expectMaxAbsDiff(await grad('posEmb.weight'), expected.gradWpe.data, 1e-5, 'grad wpe');
    expectMaxAbsDiff(await grad('finalNorm.scale'), expected.gradLnFWeight.data, 1e-5, 'grad ln_f.weight');
    expectMaxAbsDiff(await grad('finalNorm.shift'), expected.gradLnFBias.data, 1e-5, 'grad ln_f.bias');
    expectMaxAbsDiff(await grad('trfBlocks.1.ff.layers.2.bias'), expected.gradMlpCProjBias1.data, 1e-5, 'grad h.1.mlp.c_proj.bias');
    // c_attn's gradient (in, 3·out) is our three (out, in) gradients, transposed and side by side
    const att = model.trfBlocks[0].att;
    const fused = cat([att.wQuery.weight.grad!.T, att.wKey.weight.grad!.T, att.wValue.weight.grad!.T], -1);
    expectMaxAbsDiff(await fused.data(), expected.gradCAttnWeight0.data, 1e-5, 'grad h.0.attn.c_attn.weight');
    model.zeroGrad();
  });
});
