// Checkpoints in the page: Hugging Face's layout gives PyTorch's logits; our own format round-trips
// and is read by @llm/gpt's loadModel in Node; bad files fail naming what is wrong.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeSafetensors } from '@llm/gpt';
import { loadModel, saveModel } from '@llm/gpt/node';
import { tensor } from '@llm/tensor';
import { loadEncoding, saveEncoding, trainBPE } from '@llm/tokenizer';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFromFolder, modelFromSafetensors, modelToFolder, modelToSafetensors } from '../src/lib/checkpoint.js';
import { createTinyModel, expectClose, readAttentionFixture, readTinyGpt2 } from './helpers.js';

const fixture = readAttentionFixture();
const { bytes, configJson } = readTinyGpt2();
const dir = mkdtempSync(join(tmpdir(), 'playground-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = { vocabSize: 40, contextLength: 8, embDim: 16, nHeads: 2, nLayers: 2, dropRate: 0, qkvBias: false };
const ids = () => tensor(Int32Array.from([1, 5, 9, 2, 7]), { shape: [1, 5] });

describe('modelFromSafetensors', () => {
  it("loads Hugging Face's GPT-2 layout with its config.json and gives PyTorch's logits", async () => {
    const { model, layout } = modelFromSafetensors(bytes, 'model.safetensors', configJson);
    expect(layout).toBe('huggingface');
    expect(model.config).toMatchObject({ vocabSize: 96, contextLength: 16, embDim: 32, nLayers: 2, nHeads: 4, qkvBias: true });
    expect(model.weightsTied).toBe(true);
    const logits = model.forward(tensor(Int32Array.from(fixture.ids.data), { shape: [1, 16] }));
    expectClose(await logits.data(), fixture.logits.data, 1e-4, 'logits');
    model.dispose();
  });

  it('needs config.json for a Hugging Face file whose embDim is not a GPT-2 size', () => {
    expect(() => modelFromSafetensors(bytes, 'model.safetensors')).toThrow(/embDim 32 is not a GPT-2 size.*config\.json/);
  });

  it('round-trips our format, which loadModel reads in Node', async () => {
    const model = createTinyModel(5, SMALL);
    const file = await modelToSafetensors(model);
    const { model: back, layout } = modelFromSafetensors(file, 'ours.safetensors');
    expect(layout).toBe('ours');
    expect(back.config).toEqual(model.config);
    const want = await model.forward(ids()).data();
    expectClose(await back.forward(ids()).data(), want, 0, 'logits after the round trip');
    const path = join(dir, 'ours.safetensors');
    writeFileSync(path, file);
    const viaNode = await loadModel(path);
    expectClose(await viaNode.forward(ids()).data(), want, 0, 'logits via loadModel');
    for (const m of [model, back, viaNode]) m.dispose();
  });

  it('names missing and mis-shaped tensors', async () => {
    const model = createTinyModel(5, SMALL);
    const sd = model.stateDict();
    const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    for (const [name, p] of Object.entries(sd)) {
      if (name === 'finalNorm.shift') continue;
      tensors[name] = { dtype: 'F32', shape: [...p.shape], data: (await p.data()) as Float32Array };
    }
    tensors['posEmb.weight'] = { dtype: 'F32', shape: [4, 16], data: new Float32Array(64) };
    const file = serializeSafetensors(tensors, { format: 'llm-gpt', config: JSON.stringify(SMALL) });
    expect(() => modelFromSafetensors(file, 'broken.safetensors')).toThrow(
      /broken\.safetensors: does not fit.*tensor "posEmb\.weight" has shape \[4, 16\], the config needs \[8, 16\].*missing tensor "finalNorm\.shift"/,
    );
    model.dispose();
  });

  it('rejects files that are not GPT checkpoints', () => {
    const file = serializeSafetensors({ x: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    expect(() => modelFromSafetensors(file, 'other.safetensors')).toThrow(/other\.safetensors: neither one of our checkpoints/);
    expect(() => modelFromSafetensors(new Uint8Array(4), 'tiny.bin')).toThrow(/tiny\.bin/);
  });
});

describe('model folders', () => {
  const vocab = () => trainBPE('the cat sat on the mat; the dog sat on the log. '.repeat(20), { vocabSize: 270, specialTokens: ['<|endoftext|>'], name: 'test-bpe' });
  const FOLDER = { ...SMALL, vocabSize: 270 };

  it("writes the CLI's folder: loadModel reads the weights, loadEncoding the vocabulary", async () => {
    const model = createTinyModel(6, FOLDER);
    const enc = vocab();
    const files = await modelToFolder(model, saveEncoding(enc));
    const out = join(dir, 'downloaded');
    mkdirSync(out);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), bytes);
    const viaNode = await loadModel(out);
    expectClose(await viaNode.forward(ids()).data(), await model.forward(ids()).data(), 0, 'logits via loadModel(folder)');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ format: 'llm-gpt', ...FOLDER });
    expect(loadEncoding(readFileSync(join(out, 'tokenizer.json'), 'utf8')).encode('the cat')).toEqual(enc.encode('the cat'));
    for (const m of [model, viaNode]) m.dispose();
  });

  it('loads a folder saveModel wrote (as runs/pretrain-demo), with its tokenizer.json', async () => {
    const model = createTinyModel(8, FOLDER);
    const enc = vocab();
    const saved = join(dir, 'pretrain-demo');
    await saveModel(model, saved);
    writeFileSync(join(saved, 'tokenizer.json'), saveEncoding(enc));
    const files = Object.fromEntries(readdirSync(saved).map((f) => [f, new Uint8Array(readFileSync(join(saved, f)))]));
    const loaded = modelFromFolder(files, 'pretrain-demo');
    expect(loaded.layout).toBe('ours');
    expect(loaded.tokenizer.encode('the dog')).toEqual(enc.encode('the dog'));
    expectClose(await loaded.model.forward(ids()).data(), await model.forward(ids()).data(), 0, 'logits after loading the folder');
    for (const m of [model, loaded.model]) m.dispose();
  });

  it("refuses a Hugging Face folder whose tokenizer cannot be the model's, and names what is missing", () => {
    const hf = { 'model.safetensors': bytes, 'config.json': new TextEncoder().encode(configJson) };
    // the tiny fixture's 96-token vocabulary is not GPT-2's (50,257), and no byte-level BPE is that small
    expect(() => modelFromFolder(hf, 'tiny-gpt2')).toThrow(/tiny-gpt2: has no tokenizer\.json and its vocabulary \(96\) is not GPT-2's/);
    const tokenizerJson = new TextEncoder().encode(saveEncoding(vocab()));
    expect(() => modelFromFolder({ ...hf, 'tokenizer.json': tokenizerJson }, 'tiny-gpt2')).toThrow(/tiny-gpt2: tokenizer\.json has 270 tokens, more than the model's vocabulary of 96/);
    expect(() => modelFromFolder({ 'config.json': new Uint8Array(2) }, 'empty')).toThrow(/empty: no \.safetensors file among config\.json/);
    expect(() => modelFromFolder({ 'model.safetensors': bytes, 'config.json': new TextEncoder().encode(configJson), 'tokenizer.json': new TextEncoder().encode('{"format": 1') }, 'bad'))
      .toThrow(/bad\/tokenizer\.json: /);
  });
});
