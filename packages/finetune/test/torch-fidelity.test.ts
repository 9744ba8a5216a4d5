// The classifier and LoRA against the book's PyTorch code (scripts/fixtures/finetune_torch.py):
// last-token logits, loss and the gradients of exactly the parameters that train.
import { assign, noGrad, type Tensor, tidy } from '@llm/tensor';
import { type GPTModel } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { calcAccuracyLoader, calcClassificationLossBatch, evaluateClassifierLoader, lastTokenLogits, prepareClassifier, replaceLinearWithLoRA, SpamDataset } from '../src/index.js';
import { expectClose, readTorchFixture, TINY_GPT2, toTensor, type TorchFixture } from './helpers/fixtures.js';
import { calcLossBatch, DataLoader } from '@llm/train';

let fx: TorchFixture;

async function classifierModel(): Promise<GPTModel> {
  const model = (await loadPretrained(TINY_GPT2)) as GPTModel;
  prepareClassifier(model, { numClasses: 2 });
  noGrad(() => {
    assign(model.outHead.weight, toTensor(fx.headWeight));
    assign(model.outHead.bias!, toTensor(fx.headBias));
  });
  return model;
}

function grads(model: GPTModel): Record<string, Tensor | null> {
  return Object.fromEntries(model.namedParameters().map(([n, p]) => [n, p.grad]));
}

beforeAll(() => {
  fx = readTorchFixture();
});

describe('classification fine-tuning (chapter 6) against PyTorch', () => {
  it('gives the same last-token logits, loss and gradients, and only the last block, final norm and head train', async () => {
    const model = await classifierModel();
    expect(model.numParameters({ trainableOnly: true })).toBe(fx.classifier.trainable);
    const ids = toTensor(fx.ids);
    const labels = toTensor(fx.labels);
    const logits = noGrad(() => lastTokenLogits(model, ids));
    expectClose(await logits.data(), fx.classifier.lastLogits.data, 2e-5, 'last logits');
    const loss = calcClassificationLossBatch(ids, labels, model);
    expect(await loss.item()).toBeCloseTo(fx.classifier.loss, 5);
    loss.backward();
    const g = grads(model);
    for (const [name, want] of Object.entries(fx.classifier.grads)) expectClose(await g[name]!.data(), want.data, 2e-5, `grad ${name}`);
    const withGrad = Object.entries(g).filter(([, t]) => t !== null).map(([n]) => n);
    expect(withGrad.every((n) => n.startsWith('trfBlocks.1.') || n.startsWith('finalNorm.') || n.startsWith('outHead.'))).toBe(true);
    expect(withGrad).toContain('trfBlocks.1.att.wKey.weight');
  });

  it('SpamDataset batches (padded, -100 but the last target) make @llm/train\'s language-model loss the classification loss', async () => {
    const model = await classifierModel();
    const T = fx.ids.shape[1];
    // the fixture's rows without their padding, as "text" for a tokenizer that reads comma-separated ids
    const rows = fx.labels.data.map((label, r) => ({
      text: fx.ids.data.slice(r * T, (r + 1) * T).filter((id) => id !== fx.pad).join(','),
      label: label === 1 ? 'spam' : 'ham',
    }));
    const tokenizer = { encode: (text: string) => text.split(',').map(Number), decode: () => '' };
    const dataset = new SpamDataset(rows, tokenizer, { labels: ['ham', 'spam'], padTokenId: fx.pad });
    expect(dataset.maxLength).toBe(T);
    const [inputs, targets] = new DataLoader(dataset, { batchSize: 3 })[Symbol.iterator]().next().value!;
    expect(Array.from(await inputs.data())).toEqual(fx.ids.data);
    const loss = noGrad(() => tidy(() => calcLossBatch(inputs, targets, model)));
    expect(await loss.item()).toBeCloseTo(fx.classifier.loss, 5);
    // accuracy from PyTorch's logits: the argmax of each row against its label
    const want = fx.labels.data.filter((label, r) => {
      const [a, b] = fx.classifier.lastLogits.data.slice(2 * r, 2 * r + 2);
      return (b > a ? 1 : 0) === label;
    }).length / fx.labels.data.length;
    const evaluated = await evaluateClassifierLoader(new DataLoader(dataset, { batchSize: 2 }), model);
    expect(evaluated.accuracy).toBe(want);
    expect(await calcAccuracyLoader(new DataLoader(dataset, { batchSize: 3 }), model)).toBe(want);
    expect(evaluated.loss).toBeGreaterThan(0);
  });
});

describe('LoRA (appendix E) against PyTorch', () => {
  it('gives the same logits, loss and adapter gradients; only A and B train', async () => {
    const model = await classifierModel();
    const names = replaceLinearWithLoRA(model, fx.lora.rank, fx.lora.alpha);
    expect(names).toContain('outHead');
    expect(names).toContain('trfBlocks.0.ff.layers.2');
    expect(model.numParameters({ trainableOnly: true })).toBe(fx.lora.trainable);
    const sd = model.stateDict();
    expect(Object.keys(sd).filter((k) => k.includes('.lora.')).sort()).toEqual(Object.keys(fx.lora.params).sort());
    noGrad(() => { for (const [name, t] of Object.entries(fx.lora.params)) assign(sd[name], toTensor(t)); });
    const ids = toTensor(fx.ids);
    const logits = noGrad(() => lastTokenLogits(model, ids));
    expectClose(await logits.data(), fx.lora.lastLogits.data, 2e-5, 'LoRA last logits');
    const loss = calcClassificationLossBatch(ids, toTensor(fx.labels), model);
    expect(await loss.item()).toBeCloseTo(fx.lora.loss, 5);
    loss.backward();
    const g = grads(model);
    for (const [name, want] of Object.entries(fx.lora.grads)) expectClose(await g[name]!.data(), want.data, 2e-5, `grad ${name}`);
    const withGrad = Object.entries(g).filter(([, t]) => t !== null).map(([n]) => n);
    expect(withGrad.length).toBeGreaterThan(0);
    expect(withGrad.every((n) => /\.lora\.[AB]$/.test(n))).toBe(true);
  });
});
