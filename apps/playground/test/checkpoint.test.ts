// Checkpoints in the page: Hugging Face's layout gives PyTorch's logits; our own format round-trips
// and is read by @llm/gpt's loadModel in Node; bad files fail naming what is wrong.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeSafetensors } from '@llm/gpt';
import { loadModel } from '@llm/gpt/node';
import { tensor } from '@llm/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFromSafetensors, modelToSafetensors } from '../src/lib/checkpoint.js';
import { createTinyModel } from '../src/lib/tinyModel.js';
import { expectClose, readAttentionFixture, readTinyGpt2 } from './helpers.js';

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
