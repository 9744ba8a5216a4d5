// Saving, loading and exporting weights: round trips give identical logits, and every way a
// checkpoint can be wrong gives an error that names the file and the tensor or field.
import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randint } from '@llm/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GPTConfig, GPTModel } from '../src/index.js';
import { exportHuggingFace, loadModel, loadPretrained, openSafetensors, saveModel, writeSafetensors } from '../src/node.js';
import { TINY_GPT2 } from './helpers/compare.js';

const cfg: GPTConfig = { vocabSize: 40, contextLength: 10, embDim: 12, nLayers: 2, nHeads: 3, dropRate: 0.1, qkvBias: false };
let dir: string;
const ids = randint(0, 40, [2, 6], { generator: new Generator(1) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-gpt-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logits(model: GPTModel | Awaited<ReturnType<typeof loadPretrained>>): Promise<number[]> {
  return Array.from(await model.eval().forward(ids).data());
}

describe('saveModel / loadModel', () => {
  it('a folder: model.safetensors + config.json, identical logits after reloading', async () => {
    const model = new GPTModel(cfg, { generator: new Generator(2) });
    const path = await saveModel(model, join(dir, 'run1'));
    expect(path).toBe(join(dir, 'run1', 'model.safetensors'));
    expect(JSON.parse(await readFile(join(dir, 'run1', 'config.json'), 'utf8'))).toMatchObject(cfg);
    const back = await loadModel(join(dir, 'run1'));
    expect(back.config).toEqual(cfg);
    expect(back.weightsTied).toBe(false);
    expect(await logits(back)).toEqual(await logits(model));
  });

  it('a .safetensors file: the config travels in its metadata; a tied head is stored once', async () => {
    const model = new GPTModel({ ...cfg, qkvBias: true }, { generator: new Generator(3), tieWeights: true });
    const file = join(dir, 'single', 'tied.safetensors');
    await saveModel(model, file);
    const f = await openSafetensors(file);
    expect(f.has('outHead.weight')).toBe(false);
    expect(JSON.parse(f.metadata.config)).toEqual({ ...cfg, qkvBias: true });
    await f.close();
    const back = await loadModel(file);
    expect(back.weightsTied).toBe(true);
    expect(await logits(back)).toEqual(await logits(model));
  });
});

describe('exportHuggingFace', () => {
  it("round-trips the Hugging Face fixture: every tensor comes back as PyTorch's", async () => {
    const model = await loadPretrained(TINY_GPT2);
    const out = join(dir, 'hf-again');
    await exportHuggingFace(model, out);
    const [a, b] = [await openSafetensors(join(TINY_GPT2, 'model.safetensors')), await openSafetensors(join(out, 'model.safetensors'))];
    const weights = a.keys().filter((k) => !/^h\.\d+\.attn\.bias$/.test(k)); // the causal-mask buffers
    expect(b.keys().sort()).toEqual(weights.sort());
    for (const k of weights) expect(Array.from((await b.read(k)).data), k).toEqual(Array.from((await a.read(k)).data));
    await Promise.all([a.close(), b.close()]);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toMatchObject({ n_embd: 32, n_head: 4, n_layer: 2, vocab_size: 96 });
  });

  it('an untied model without qkv biases loads back with identical logits', async () => {
    const model = new GPTModel(cfg, { generator: new Generator(4) });
    const out = join(dir, 'hf-untied');
    await exportHuggingFace(model, out);
    const hf = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(hf.tie_word_embeddings).toBe(false);
    const back = await loadPretrained(out);
    expect(back.config.qkvBias).toBe(true); // GPT-2's layout always has them (zeros here)
    expect(await logits(back)).toEqual(await logits(model));
  });
});

describe('loading errors name what is wrong', () => {
  async function fixtureCopy(name: string): Promise<string> {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await copyFile(join(TINY_GPT2, 'config.json'), join(d, 'config.json'));
    await copyFile(join(TINY_GPT2, 'model.safetensors'), join(d, 'model.safetensors'));
    return d;
  }

  async function rewrite(d: string, edit: (t: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>) => void) {
    const f = await openSafetensors(join(TINY_GPT2, 'model.safetensors'));
    const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    for (const k of f.keys()) tensors[k] = (await f.read(k)) as (typeof tensors)[string];
    await f.close();
    edit(tensors);
    await writeSafetensors(join(d, 'model.safetensors'), tensors);
  }

  it('a config whose embDim does not divide by nHeads', async () => {
    const d = await fixtureCopy('bad-heads');
    const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
    await writeFile(join(d, 'config.json'), JSON.stringify({ ...config, n_head: 5 }));
    await expect(loadPretrained(d)).rejects.toThrow(/config\.json: config field "n_head": n_embd \(32\) must be divisible by n_head \(5\)/);
  });

  it('a config that does not fit the tensors (more layers than the file has)', async () => {
    const d = await fixtureCopy('more-layers');
    const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
    await writeFile(join(d, 'config.json'), JSON.stringify({ ...config, n_layer: 3 }));
    await expect(loadPretrained(d)).rejects.toThrow(/missing tensor "h\.2\.ln_1\.weight" \[32\]/);
  });

  it('a tensor with the wrong shape, an unexpected tensor', async () => {
    const d = await fixtureCopy('bad-shape');
    await rewrite(d, (t) => {
      t['h.1.mlp.c_fc.bias'] = { dtype: 'F32', shape: [64], data: new Float32Array(64) };
      t['h.7.attn.c_proj.weight'] = { dtype: 'F32', shape: [1], data: new Float32Array(1) };
    });
    const error = (await loadPretrained(d).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('model.safetensors');
    expect(error.message).toContain('tensor "h.1.mlp.c_fc.bias" has shape [64], the config needs [128]');
    expect(error.message).toContain('unexpected tensor "h.7.attn.c_proj.weight"');
  });

  it("follows the config's tie_word_embeddings: an lm_head.weight beside a tied head is ignored, a missing untied one named", async () => {
    const d = await fixtureCopy('lm-head');
    await rewrite(d, (t) => { t['lm_head.weight'] = { ...t['wte.weight'], data: new Float32Array(t['wte.weight'].data.length) }; });
    expect((await loadPretrained(d)).weightsTied).toBe(true);
    const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
    await writeFile(join(d, 'config.json'), JSON.stringify({ ...config, tie_word_embeddings: false }));
    expect((await loadPretrained(d)).weightsTied).toBe(false);
    await copyFile(join(TINY_GPT2, 'model.safetensors'), join(d, 'model.safetensors'));
    await expect(loadPretrained(d)).rejects.toThrow(/missing tensor "lm_head\.weight" \[96, 32\]/);
  });

  it('a truncated file', async () => {
    const d = await fixtureCopy('truncated');
    await truncate(join(d, 'model.safetensors'), 50_000);
    await expect(loadPretrained(d)).rejects.toThrow(/model\.safetensors: .*(truncated|past the end)/);
  });

  it('a missing folder, file or cached model', async () => {
    await expect(loadPretrained(join(dir, 'nope'))).rejects.toThrow(/no such file or folder/);
    const prev = process.env.LLM_CACHE_DIR;
    process.env.LLM_CACHE_DIR = join(dir, 'empty-cache');
    try {
      await expect(loadPretrained('gpt2-medium')).rejects.toThrow(/gpt2-medium is not in the cache .*downloadPretrained\('gpt2-medium'\)/);
      // a cache folder filled by hand (here with the tiny fixture) is used as it is
      await fixtureCopy(join('empty-cache', 'gpt2'));
      expect((await loadPretrained('124M')).config.embDim).toBe(32);
    } finally {
      if (prev === undefined) delete process.env.LLM_CACHE_DIR;
      else process.env.LLM_CACHE_DIR = prev;
    }
  });
});
