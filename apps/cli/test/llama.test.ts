// `llm generate` and `llm convert` with a Llama-architecture model in Hugging Face's layout: a tiny
// random model with a byte-level tokenizer.json (256 byte tokens, no merges) and two end tokens.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, LlamaModel } from '@llm/gpt';
import { exportHuggingFace } from '@llm/gpt/node';
import { manualSeed } from '@llm/tensor';
import { bytesToUnicode, fromHFTokenizerJson } from '@llm/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-cli-llama-'));
const modelDir = join(dir, 'tiny-llama');
const chars = bytesToUnicode();
const tokenizerJson = {
  version: '1.0',
  added_tokens: [{ id: 256, content: '<|endoftext|>', special: true }, { id: 257, content: '<|im_end|>', special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  decoder: { type: 'ByteLevel' },
  model: { type: 'BPE', vocab: Object.fromEntries(chars.map((c, b) => [c, b])), merges: [] },
};

function tinyLlama(): LlamaModel {
  manualSeed(7);
  return new LlamaModel({
    modelType: 'llama', vocabSize: 258, contextLength: 64, embDim: 16, hiddenDim: 32, nLayers: 1, nHeads: 2, nKVHeads: 1, headDim: 8,
    ropeTheta: 10000, ropeScaling: null, rmsNormEps: 1e-5, tieWeights: true, qkvBias: false, eosTokenIds: [257],
  }).eval();
}

beforeAll(async () => {
  await exportHuggingFace(tinyLlama(), modelDir);
  writeFileSync(join(modelDir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileSync(join(modelDir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|im_end|>' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llm with a Llama-architecture model', () => {
  it('generate streams the greedy continuation with the model\'s own tokenizer.json', async () => {
    const r = await runCli(['generate', '--model', modelDir, '--temperature', '0', '-n', '6', 'Hi there']);
    expect(r.code).toBe(0);
    const tokenizer = fromHFTokenizerJson(tokenizerJson);
    const ids = tokenizer.encode('Hi there');
    expect(ids).toEqual([...'Hi there'].map((c) => c.charCodeAt(0)));
    const out = await generate(tinyLlama(), [ids], { maxNewTokens: 6, temperature: 0, eosId: 256, stopIds: [257] });
    expect(r.out).toBe(`Hi there${tokenizer.decode(Array.from(await out.data()).slice(ids.length))}\n`);
  });

  it('convert writes float32 Hugging Face files with the tokenizer, which generate the same', async () => {
    const to = join(dir, 'converted');
    const r = await runCli(['convert', modelDir, to]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/in Hugging Face's llama layout \(1 layers, embDim 16\)/);
    expect(readdirSync(to).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const generated = async (model: string) => (await runCli(['generate', '--model', model, '--temperature', '0', '-n', '6', '--no-prompt', 'Hello'])).out;
    expect(await generated(to)).toBe(await generated(modelDir));
  });

  it('finetune instruct --lora-rank trains adapters on it; the result generates with its tokenizer', { timeout: 120_000 }, async () => {
    const out = join(dir, 'instruct');
    const r = await runCli(['finetune', 'instruct', '--model', modelDir, '--lora-rank', '2', '--builtin-size', '40', '--max-entries', '40', '--max-test', '1',
      '--max-new-tokens', '3', '--steps', '2', '--batch-size', '4', '--max-length', '64', '--eval-iter', '1', '--eval-every', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(out, 'model')).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const g = await runCli(['generate', '--model', out, '--temperature', '0', '-n', '3', 'Hi']);
    expect(g.code, g.err).toBe(0);
  });
});
