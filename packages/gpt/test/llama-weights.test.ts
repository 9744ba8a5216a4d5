// Llama / Qwen3 checkpoints on disk: export back to Hugging Face's layout (one file or shards) and
// reload to the same logits; every name, shape, dtype and index problem reported before data is
// read, naming the file and the tensor; the known names downloaded from a loopback Hub.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@llm/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaModel, serializeSafetensors } from '../src/index.js';
import { downloadPretrained, exportHuggingFace, loadPretrained, openCheckpoint, saveModel } from '../src/node.js';
import { expectMaxAbsDiff, toTensor } from './helpers/compare.js';
import { fixtureDir, readLlamaExpected } from './helpers/llama-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-llama-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const expected = readLlamaExpected('tiny-llama');
async function logits(model: unknown): Promise<Float32Array> {
  return (await noGrad(() => (model as LlamaModel).forward(toTensor(expected.ids))).data()) as Float32Array;
}

/** A copy of a fixture folder to break. */
async function copyOf(name: 'tiny-llama' | 'tiny-smollm2' | 'tiny-qwen3', to: string): Promise<string> {
  const d = join(dir, to);
  await cp(fixtureDir(name), d, { recursive: true });
  await rm(join(d, 'expected.json'));
  return d;
}

describe('export and reload', () => {
  it('writes one float32 model.safetensors with Hugging Face names; reloading gives the same logits', async () => {
    const model = await loadPretrained(fixtureDir('tiny-llama'));
    await exportHuggingFace(model, join(dir, 'single'));
    expect((await readdir(join(dir, 'single'))).sort()).toEqual(['config.json', 'model.safetensors']);
    const config = JSON.parse(await readFile(join(dir, 'single', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'llama', num_key_value_heads: 2, tie_word_embeddings: false, rope_scaling: { rope_type: 'llama3', factor: 4 } });
    const back = await loadPretrained(join(dir, 'single'));
    expect(Array.from(await logits(back))).toEqual(Array.from(await logits(model)));
    expectMaxAbsDiff(await logits(back), expected.logits.data, 1e-4, 'reloaded logits');
  });

  it('shards with model.safetensors.index.json when asked (saveModel of a Llama is this export)', async () => {
    const model = await loadPretrained(fixtureDir('tiny-qwen3'));
    const { exportLlamaHuggingFace } = await import('../src/node.js');
    await exportLlamaHuggingFace(model as LlamaModel, join(dir, 'sharded'), { maxShardBytes: 20_000 });
    const files = (await readdir(join(dir, 'sharded'))).sort();
    expect(files).toContain('model.safetensors.index.json');
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThan(1);
    const back = await loadPretrained(join(dir, 'sharded'));
    const qwen = readLlamaExpected('tiny-qwen3');
    const out = await noGrad(() => (back as LlamaModel).forward(toTensor(qwen.ids))).data();
    expectMaxAbsDiff(out, qwen.logits.data, 1e-4, 'reloaded qwen3 logits');
    expect(await saveModel(back, join(dir, 'saved'))).toBe(join(dir, 'saved', 'model.safetensors'));
    await expect(saveModel(back, join(dir, 'x.safetensors'))).rejects.toThrow(/saved to a folder/);
  });
});

describe('checks before any data is read', () => {
  it('names a tensor whose shape does not fit config.json, and its shard', async () => {
    const d = await copyOf('tiny-llama', 'bad-shape');
    const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
    await writeFile(join(d, 'config.json'), JSON.stringify({ ...config, intermediate_size: 50 }));
    await expect(loadPretrained(d)).rejects.toThrow(/model\.safetensors\.index\.json: does not fit its config\.json .*tensor "model\.layers\.0\.mlp\.gate_proj\.weight" \(in .*model-00001-of-00002\.safetensors\) has shape \[48, 32\], config\.json needs \[50, 32\]/);
  });

  it('names missing and unexpected tensors, and a non-float dtype', async () => {
    const d = await copyOf('tiny-smollm2', 'bad-names');
    const data = new Float32Array(32);
    await writeFile(join(d, 'model.safetensors'), serializeSafetensors({
      'model.embed_tokens.weight': { dtype: 'F32', shape: [80, 32], data: new Float32Array(80 * 32) },
      'model.norm.weight': { dtype: 'I32', shape: [32], data: new Int32Array(32) },
      'model.extra.weight': { dtype: 'F32', shape: [32], data },
    }));
    const error = (await loadPretrained(d).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/bad-names\/model\.safetensors: /);
    expect(error.message).toMatch(/unexpected tensor "model\.extra\.weight"/);
    expect(error.message).toMatch(/missing tensor "model\.layers\.0\.input_layernorm\.weight" \[32\]/);
    expect(error.message).toMatch(/tensor "model\.norm\.weight" is I32; expected F32, F16, BF16/);
  });

  it('refuses an index that names a missing shard, or disagrees with the shards', async () => {
    const d = await copyOf('tiny-llama', 'bad-index');
    const index = JSON.parse(await readFile(join(d, 'model.safetensors.index.json'), 'utf8'));
    await rm(join(d, 'model-00002-of-00002.safetensors'));
    await expect(loadPretrained(d)).rejects.toThrow(/model\.safetensors\.index\.json: names shard "model-00002-of-00002\.safetensors", which is not in/);
    await cp(join(fixtureDir('tiny-llama'), 'model-00002-of-00002.safetensors'), join(d, 'model-00002-of-00002.safetensors'));
    index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    await writeFile(join(d, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(loadPretrained(d)).rejects.toThrow(/shards and index disagree: .*model-00002-of-00002\.safetensors holds tensor "model\.norm\.weight", which the index puts in model-00001-of-00002\.safetensors/);
    index.weight_map['model.norm.weight'] = '../elsewhere.safetensors';
    await writeFile(join(d, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(loadPretrained(d)).rejects.toThrow(/weight_map gives tensor "model\.norm\.weight" the file "\.\.\/elsewhere\.safetensors"/);
  });

  it('reports a bad config.json field with the file', async () => {
    const d = await copyOf('tiny-qwen3', 'bad-config');
    const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
    await writeFile(join(d, 'config.json'), JSON.stringify({ ...config, num_key_value_heads: 3 }));
    await expect(loadPretrained(d)).rejects.toThrow(/bad-config\/config\.json: config field "nKVHeads": nHeads \(4\) must be a multiple of nKVHeads \(3\)/);
  });

  it('opens a single-file checkpoint as one shard', async () => {
    const c = await openCheckpoint(fixtureDir('tiny-qwen3'));
    expect(c.files.length).toBe(1);
    expect(c.info('model.embed_tokens.weight').dtype).toBe('F16');
    await c.close();
  });
});

describe('downloadPretrained and loadPretrained by name, from a loopback Hub', () => {
  let server: Server;
  let baseUrl: string;
  const served: string[] = [];

  beforeAll(async () => {
    const files: Record<string, Buffer> = {
      'config.json': await readFile(join(fixtureDir('tiny-smollm2'), 'config.json')),
      'model.safetensors': await readFile(join(fixtureDir('tiny-smollm2'), 'model.safetensors')),
      'tokenizer.json': Buffer.from('{"model":{"type":"BPE"}}'),
      'tokenizer_config.json': Buffer.from('{"eos_token":"<|im_end|>"}'),
    };
    const sha = createHash('sha256').update(files['model.safetensors']).digest('hex');
    server = createServer((req, res) => {
      served.push(req.url ?? '');
      const m = /^\/HuggingFaceTB\/SmolLM2-135M\/resolve\/main\/([\w.]+)$/.exec(req.url ?? '');
      if (m?.[1] === 'model.safetensors') {
        res.writeHead(302, { Location: '/cdn/smollm2', 'X-Linked-Etag': `"${sha}"`, 'X-Linked-Size': files[m[1]].length }).end();
      } else if (m && files[m[1]]) res.writeHead(200, { 'Content-Length': files[m[1]].length }).end(files[m[1]]);
      else if (req.url === '/cdn/smollm2') res.writeHead(200, { 'Content-Length': files['model.safetensors'].length }).end(files['model.safetensors']);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fetches SmolLM2-135M's config, tokenizer files and checksummed weights, then loads it by name", async () => {
    const cacheDir = join(dir, 'cache');
    await expect(loadPretrained('smollm2-135m', { download: false })).rejects.toThrow(/smollm2-135m is not in the cache/);
    const got = await downloadPretrained('SmolLM2-135M', { cacheDir, baseUrl, onProgress: false });
    expect(got.config).toMatchObject({ modelType: 'llama', embDim: 32, tieWeights: true });
    expect(got.files.map((f) => f.path.slice(got.dir.length + 1))).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']);
    expect(got.files[3]).toMatchObject({ checksumVerified: true });
    const model = await loadPretrained('smollm2-135m', { download: { cacheDir, baseUrl, onProgress: false } });
    const smol = readLlamaExpected('tiny-smollm2');
    expectMaxAbsDiff(await noGrad(() => (model as LlamaModel).forward(toTensor(smol.ids))).data(), smol.logits.data, 1e-4, 'downloaded logits');
    expect(served.filter((u) => u.includes('/resolve/'))).toHaveLength(4); // the second load found everything in the cache
  });
});
