// `llm generate`, `chat`, `convert`, `finetune instruct` and `serve`'s embeddings with a Llama-architecture
// model in Hugging Face's layout: a tiny random model with a byte-level tokenizer.json (256 byte tokens, no
// merges), two end tokens, a BOS its post-processor puts before every text (as Llama 3's), and a ChatML chat template.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embed, generate, LlamaModel } from '@llm/gpt';
import { exportHuggingFace } from '@llm/gpt/node';
import { manualSeed } from '@llm/tensor';
import { bytesToUnicode, fromHFTokenizerJson } from '@llm/tokenizer';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelAndTokenizer } from '../src/models.js';
import { createServer } from '../src/server/index.js';
import { listen, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-cli-llama-'));
const modelDir = join(dir, 'tiny-llama');
const chars = bytesToUnicode();
const tokenizerJson = {
  version: '1.0',
  added_tokens: [
    { id: 256, content: '<|endoftext|>', special: true }, { id: 257, content: '<|im_end|>', special: true },
    { id: 258, content: '<|im_start|>', special: true }, { id: 259, content: '<|begin_of_text|>', special: true },
  ],
  normalizer: null,
  post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }] },
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  decoder: { type: 'ByteLevel' },
  model: { type: 'BPE', vocab: Object.fromEntries(chars.map((c, b) => [c, b])), merges: [] },
};

const CHATML = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

function tinyLlama(): LlamaModel {
  manualSeed(7);
  return new LlamaModel({
    modelType: 'llama', vocabSize: 260, contextLength: 64, embDim: 16, hiddenDim: 32, nLayers: 1, nHeads: 2, nKVHeads: 1, headDim: 8,
    ropeTheta: 10000, ropeScaling: null, rmsNormEps: 1e-5, tieWeights: true, qkvBias: false, eosTokenIds: [257],
  }).eval();
}

beforeAll(async () => {
  await exportHuggingFace(tinyLlama(), modelDir);
  writeFileSync(join(modelDir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileSync(join(modelDir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|im_end|>', chat_template: CHATML }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llm with a Llama-architecture model', () => {
  it('generate streams the greedy continuation with the model\'s own tokenizer.json', async () => {
    const r = await runCli(['generate', '--model', modelDir, '--temperature', '0', '-n', '6', 'Hi there']);
    expect(r.code).toBe(0);
    const tokenizer = fromHFTokenizerJson(tokenizerJson);
    const ids = [259, ...tokenizer.encode('Hi there')]; // the post-processor's BOS first
    expect(ids.slice(1)).toEqual([...'Hi there'].map((c) => c.charCodeAt(0)));
    const out = await generate(tinyLlama(), [ids], { maxNewTokens: 6, temperature: 0, eosId: 256, stopIds: [257] });
    expect(r.out).toBe(`Hi there${tokenizer.decode(Array.from(await out.data()).slice(ids.length))}\n`);
  });

  it("chat renders the model's chat template and stops at its end of turn", async () => {
    const r = await runCli(['chat', '--model', modelDir, '-n', '5', '--json'], { stdin: 'Hello\n' });
    expect(r.code, r.err).toBe(0);
    const tokenizer = fromHFTokenizerJson(tokenizerJson);
    const prompt = tokenizer.encode('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n', { allowedSpecial: 'all' });
    const out = await generate(tinyLlama(), [prompt], { maxNewTokens: 5, temperature: 0, eosId: 256, stopIds: [257] });
    const answer = JSON.parse(r.out.trim());
    expect(answer.response).toBe(tokenizer.decode(Array.from(await out.data()).slice(prompt.length)).trim());
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

describe('llm serve with a Llama-architecture model', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const { model, tokenizer } = await loadModelAndTokenizer(modelDir); // as `llm serve --model DIR` loads it
    server = createServer({ model, tokenizer, modelName: 'tiny-llama' });
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("/v1/embeddings: unit vectors of the model's width (16), the same on every call, equal to @llm/gpt embed", async () => {
    const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const inputs = ['Hi there', 'Hello, Llama!'];
    const a = await openai.embeddings.create({ model: 'tiny-llama', input: inputs, encoding_format: 'float' }); // throws unless 200
    const b = await openai.embeddings.create({ model: 'tiny-llama', input: inputs, encoding_format: 'float' });
    expect(a.data).toHaveLength(2);
    const tokenizer = fromHFTokenizerJson(tokenizerJson);
    for (let i = 0; i < 2; i++) {
      const v = a.data[i].embedding;
      expect(v).toHaveLength(16);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      expect(b.data[i].embedding).toEqual(v);
      const expected = await embed(tinyLlama(), tokenizer.encode(inputs[i])); // the server encodes the text alone (no BOS), as for its completions
      v.forEach((x, j) => expect(x).toBeCloseTo(expected[j], 6));
    }
    expect(a.data[0].embedding).not.toEqual(a.data[1].embedding);
  });

  it("Ollama's /api/embed gives the same vectors", async () => {
    const ollama = new Ollama({ host: base });
    const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const r = await ollama.embed({ model: 'tiny-llama', input: ['Hi there'] });
    const want = (await openai.embeddings.create({ model: 'tiny-llama', input: 'Hi there', encoding_format: 'float' })).data[0].embedding;
    expect(r.embeddings).toHaveLength(1);
    r.embeddings[0].forEach((x, j) => expect(x).toBeCloseTo(want[j], 6));
  });
});
