// Starting points and saved results: a Trainer checkpoint or a saved model (with a vocabulary
// trained here beside it) as the base, and a classifier saved and loaded back.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPTModel } from '@llm/gpt';
import { saveModel } from '@llm/gpt/node';
import { manualSeed, noGrad, randint, type Tensor, tidy } from '@llm/tensor';
import { saveEncoding, trainBPE } from '@llm/tokenizer';
import { DataLoader, GPTDataset } from '@llm/train';
import { Trainer, writeFileAtomic } from '@llm/train/node';
import { describe, expect, it } from 'vitest';
import { endOfTextId, prepareClassifier, replaceLinearWithLoRA, TextClassifier } from '../src/index.js';
import { findTokenizer, loadBaseModel, loadClassifier, saveClassifier } from '../src/node.js';
import { expectClose } from './helpers/fixtures.js';

const config = { vocabSize: 300, contextLength: 16, embDim: 16, nHeads: 2, nLayers: 2, dropRate: 0, qkvBias: false };
const tmp = () => mkdtempSync(join(tmpdir(), 'ft-models-'));

async function logits(model: GPTModel, ids: Tensor) {
  model.eval();
  return noGrad(() => tidy(() => model.forward(ids))).data();
}

describe('loadBaseModel', () => {
  it('reads a @llm/train Trainer checkpoint (directory or checkpoints root) whose config is the model\'s', async () => {
    manualSeed(4);
    const model = new GPTModel(config);
    const ids = Int32Array.from({ length: 200 }, (_, i) => (i * 7) % 300);
    const loader = new DataLoader(new GPTDataset(ids, { maxLength: 8, stride: 8 }), { batchSize: 2 });
    const dir = tmp();
    const trainer = new Trainer({ model, trainLoader: loader, maxSteps: 2, outDir: dir, checkpointEvery: 2, progress: false, config: { ...config } });
    await trainer.fit();
    const probe = randint(0, 300, [2, 8], { dtype: 'int32' });
    const want = await logits(model, probe);
    const loaded = await loadBaseModel(join(dir, 'checkpoints'));
    expect(loaded.config).toEqual(config);
    expectClose(await logits(loaded as GPTModel, probe), want, 1e-6, 'checkpoint logits');
  });

  it('says what is missing when the checkpoint has no config', async () => {
    const model = new GPTModel(config);
    const loader = new DataLoader(new GPTDataset(Int32Array.from({ length: 100 }, (_, i) => i), { maxLength: 8, stride: 8 }), { batchSize: 2 });
    const dir = tmp();
    await new Trainer({ model, trainLoader: loader, maxSteps: 1, outDir: dir, checkpointEvery: 1, progress: false }).fit();
    await expect(loadBaseModel(join(dir, 'checkpoints'))).rejects.toThrow(/does not record a GPT config/);
  });

  it('finds a tokenizer.json beside a saved model (as @llm/train\'s pretraining demo leaves it)', async () => {
    const dir = tmp();
    const tok = trainBPE('the cat sat on the mat. the dog sat on the log. '.repeat(20), { vocabSize: 280, specialTokens: ['<|endoftext|>'], name: 'tiny' });
    await saveModel(new GPTModel(config), dir);
    await writeFileAtomic(join(dir, 'tokenizer.json'), saveEncoding(tok));
    const found = await findTokenizer(dir);
    expect(found?.path).toBe(join(dir, 'tokenizer.json'));
    expect(found!.tokenizer.encode('the cat')).toEqual(tok.encode('the cat'));
    expect(endOfTextId(found!.tokenizer)).toBe(tok.eotToken);
    expect(await findTokenizer(join(dir, 'model.safetensors'))).toBeDefined();
    expect(await findTokenizer(tmp())).toBeUndefined();
  });
});

describe('TextClassifier save / load', () => {
  it('reloads to the same probabilities, with its labels, length and tokenizer', async () => {
    manualSeed(5);
    const tok = trainBPE('free money now, win a prize. meeting notes for monday. '.repeat(30), { vocabSize: 290, specialTokens: ['<|endoftext|>'], name: 'tiny' });
    const model = new GPTModel(config);
    prepareClassifier(model, { numClasses: 3, trainableBlocks: 'all' });
    const classifier = new TextClassifier(model, { labels: ['a', 'b', 'c'], maxLength: 12, tokenizer: tok });
    expect(classifier.padTokenId).toBe(tok.eotToken);
    expect(Array.from(classifier.encode('free money')).slice(-1)).toEqual([tok.eotToken]);
    const dir = tmp();
    await saveClassifier(classifier, dir);
    expect(readdirSync(dir).sort()).toEqual(['classifier.json', 'model.safetensors', 'tokenizer.json']);
    const loaded = await loadClassifier(dir);
    expect(loaded.labels).toEqual(['a', 'b', 'c']);
    expect(loaded.maxLength).toBe(12);
    const texts = ['free money now', 'meeting notes for monday, and a long sentence that is cut at twelve tokens'];
    const [x, y] = [await classifier.classifyBatch(texts), await loaded.classifyBatch(texts)];
    for (let i = 0; i < 2; i++) {
      expect(y[i].label).toBe(x[i].label);
      expectClose(Object.values(y[i].probabilities), Object.values(x[i].probabilities), 1e-6, 'probabilities');
      expect(Object.values(x[i].probabilities).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    }
  });

  it('refuses a head that does not match the labels, and a model still carrying LoRA adapters', async () => {
    const model = new GPTModel(config);
    prepareClassifier(model, { numClasses: 2 });
    expect(() => new TextClassifier(model, { labels: ['x', 'y', 'z'], maxLength: 8 })).toThrow(/3 labels \(x, y, z\) for a head of 2 classes/);
    replaceLinearWithLoRA(model, 2, 2);
    await expect(saveClassifier(new TextClassifier(model, { labels: ["x", "y"], maxLength: 8 }), tmp())).rejects.toThrow(/call mergeLoRA\(model\) first/);
  });
});
