// `llm serve` over real HTTP on loopback, with a tiny random GPT, driven by the official `openai`
// and `ollama` npm clients (only their base URL set): every endpoint, plain and streamed,
// cancellation, errors as the clients' error classes, embeddings, and many concurrent clients
// decoded in shared batches. Answers are checked against @llm/gpt's own generate/embed run alone.
import http from 'node:http';
import { embed, generate } from '@llm/gpt';
import { memoryStats } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../src/server/index.js';
import { createServer } from '../src/server/index.js';
import { listen, parseNdjson, postJson, postText, rawRequest, tinyModel } from './helpers.js';

const tokenizer = getEncoding('gpt2');
const model = tinyModel();
const events: GenerationEvent[] = [];
const batchSizes: number[] = [];
let tokens = 0;
let server: http.Server;
let base: string;
let openai: OpenAI;
let ollama: Ollama;

beforeAll(async () => {
  server = createServer({
    model, tokenizer, modelName: 'tiny', maxBodyBytes: 4096, maxTokens: 2000,
    onToken: () => tokens++, onGeneration: (e) => events.push(e), onStep: (n) => batchSizes.push(n),
  });
  base = await listen(server);
  openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
  ollama = new Ollama({ host: base });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Greedy continuation straight from @llm/gpt, to compare the server's answers with. */
async function greedy(prompt: string, maxNewTokens: number): Promise<string> {
  const ids = tokenizer.encode(prompt, { allowedSpecial: 'all' });
  const out = await generate(model, ids, { maxNewTokens, temperature: 0, eosId: 50256 });
  const all = Array.from(await out.data());
  out.dispose();
  return tokenizer.decode(all.slice(ids.length));
}

describe('OpenAI API (openai client)', () => {
  it('lists and retrieves the model; an unknown one is a NotFoundError', async () => {
    const list = await openai.models.list();
    expect(list.data).toEqual([{ id: 'tiny', object: 'model', created: 0, owned_by: 'llm' }]);
    expect(await openai.models.retrieve('tiny')).toMatchObject({ id: 'tiny', object: 'model' });
    const err = await openai.models.retrieve('gpt-4').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
  });

  it('completions: the greedy continuation and token counts', async () => {
    const r = await openai.completions.create({ model: 'tiny', prompt: 'Hello, world!', max_tokens: 6, temperature: 0 });
    expect(r.object).toBe('text_completion');
    expect(r.id).toMatch(/^cmpl-/);
    expect(r.choices[0].text).toBe(await greedy('Hello, world!', 6));
    // "Hello, world!" is [15496, 11, 995, 0] in tiktoken's gpt2
    expect(r.usage).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
    expect(r.choices[0].finish_reason).toBe('length');
    const echoed = await openai.completions.create({ model: 'tiny', prompt: [15496, 11, 995, 0], max_tokens: 3, temperature: 0, echo: true });
    expect(echoed.choices[0].text).toBe(`Hello, world!${await greedy('Hello, world!', 3)}`);
  });

  it('streamed completions add up to the same text, with usage at the end', async () => {
    const plain = await openai.completions.create({ model: 'tiny', prompt: 'The jury said', max_tokens: 8, temperature: 0 });
    const stream = await openai.completions.create({ model: 'tiny', prompt: 'The jury said', max_tokens: 8, temperature: 0, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const usage = chunks.pop()!;
    expect(usage.usage).toEqual(plain.usage);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('length');
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe(plain.choices[0].text);
  });

  it('stops at a stop sequence, leaving it out; a seed repeats a sample', async () => {
    const full = await greedy('The jury said', 8);
    const stop = full.slice(3, 6);
    const r = await openai.completions.create({ model: 'tiny', prompt: 'The jury said', max_tokens: 8, temperature: 0, stop });
    expect(r.choices[0].text).toBe(full.slice(0, full.indexOf(stop)));
    expect(r.choices[0].finish_reason).toBe('stop');
    const body = { model: 'tiny', prompt: 'Once upon a time', max_tokens: 8, temperature: 1, top_p: 0.9, seed: 7 };
    const [a, b] = await Promise.all([openai.completions.create(body), openai.completions.create(body)]);
    expect(a.choices[0].text).toBe(b.choices[0].text);
  });

  it('chat completions: an answer, and streamed deltas that add up to it', async () => {
    const body = { model: 'tiny', messages: [{ role: 'system' as const, content: 'Answer briefly.' }, { role: 'user' as const, content: 'Name a colour.' }], max_tokens: 5, temperature: 0 };
    const r = await openai.chat.completions.create(body);
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0].message.role).toBe('assistant');
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(5);
    const chunks = [];
    for await (const c of await openai.chat.completions.create({ ...body, stream: true })) chunks.push(c);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe(r.choices[0].finish_reason);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('').trim()).toBe(r.choices[0].message.content);
    const parts = await openai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_tokens: 2 });
    expect(parts.choices).toHaveLength(1);
  });

  it('embeddings: unit vectors equal to @llm/gpt embed, in base64 (the client default) and as floats', async () => {
    const inputs = ['The jury said', 'Hello, world!'];
    const r = await openai.embeddings.create({ model: 'tiny', input: inputs });
    const floats = await openai.embeddings.create({ model: 'tiny', input: inputs, encoding_format: 'float' });
    expect(r.data).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const expected = await embed(model, tokenizer.encode(inputs[i]));
      expect(r.data[i].index).toBe(i);
      expect(Array.from(r.data[i].embedding)).toEqual(Array.from(expected)); // base64 float32 is exact
      floats.data[i].embedding.forEach((x, j) => expect(x).toBeCloseTo(expected[j], 6));
    }
    expect(r.usage).toEqual({ prompt_tokens: 3 + 4, total_tokens: 7 });
    const ids = await openai.embeddings.create({ model: 'tiny', input: [15496, 11, 995, 0] });
    expect(Array.from(ids.data[0].embedding)).toEqual(Array.from(r.data[1].embedding));
    const long = await openai.embeddings.create({ model: 'tiny', input: 'word '.repeat(100) }).catch((e) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect(long.message).toMatch(/'input' is \d+ tokens, longer than the model's context length of 64/);
  });

  it('bad requests are BadRequestErrors naming the field', async () => {
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => openai.completions.create({ model: 'tiny', prompt: 'x', temperature: 5 }), 'temperature', /'temperature' must be <= 2/],
      [() => openai.completions.create({ model: 'tiny', prompt: 'x', n: 2 }), 'n', /'n' must be 1/],
      [() => openai.completions.create({ model: 'tiny', prompt: [1, 99999] }), 'prompt', /outside 0\.\.50256/],
      [() => openai.completions.create({ model: 'tiny', prompt: 'x', max_tokens: 5000, stream: true }), 'max_tokens', /at most 2000 new tokens/],
      [() => openai.chat.completions.create({ model: 'tiny', messages: [] }), 'messages', /'messages'/],
      [() => openai.embeddings.create({ model: 'tiny', input: 'x', dimensions: 3, encoding_format: 'float' }), 'dimensions', /'dimensions' must be 16/],
    ];
    for (const [call, param, message] of cases) {
      const err = (await call().catch((e) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
      expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.param).toBe(param);
      expect(err.message).toMatch(message);
    }
    const model404 = await openai.completions.create({ model: 'gpt-4', prompt: 'x' }).catch((e) => e);
    expect(model404).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('a stream the client aborts stops its generation on the server', async () => {
    const before = events.length;
    const tokensBefore = tokens;
    const stream = await openai.completions.create({ model: 'tiny', prompt: 'The jury said', max_tokens: 2000, temperature: 0, stream: true });
    let seen = 0;
    const err = await (async () => {
      for await (const _ of stream) if (++seen === 2) stream.controller.abort();
    })().catch((e) => e);
    expect(err === undefined || err instanceof OpenAI.APIUserAbortError || err.name === 'AbortError').toBe(true);
    await expect.poll(() => events.length, { timeout: 20_000 }).toBe(before + 1);
    const ended = events[events.length - 1];
    expect(ended.finishReason).toBe('aborted');
    expect(ended.completionTokens).toBeLessThan(2000);
    expect(tokens - tokensBefore).toBe(ended.completionTokens);
  });
});

describe('Ollama API (ollama client)', () => {
  it('generate: streamed pieces add up to the greedy continuation; stream: false answers once', async () => {
    const parts = [];
    for await (const p of await ollama.generate({ model: 'tiny', prompt: 'The jury said', stream: true, options: { temperature: 0, num_predict: 7 } })) parts.push(p);
    const last = parts.pop()!;
    expect(last).toMatchObject({ model: 'tiny', response: '', done: true, done_reason: 'length', prompt_eval_count: 3, eval_count: 7 });
    expect(parts.map((p) => p.response).join('')).toBe(await greedy('The jury said', 7));
    const once = await ollama.generate({ model: 'tiny:latest', prompt: 'The jury said', options: { temperature: 0, num_predict: 7 } });
    expect(once).toMatchObject({ model: 'tiny', done: true, eval_count: 7, response: await greedy('The jury said', 7) });
    const load = await ollama.generate({ model: 'tiny', prompt: '' });
    expect(load).toMatchObject({ done: true, done_reason: 'load' });
  });

  it('chat: streamed message pieces add up to the answer of stream: false', async () => {
    const body = { model: 'tiny', messages: [{ role: 'user', content: 'Is the sky blue?' }], options: { temperature: 0, num_predict: 5 } };
    const parts = [];
    for await (const p of await ollama.chat({ ...body, stream: true })) parts.push(p);
    const last = parts.pop()!;
    expect(last).toMatchObject({ done: true, message: { role: 'assistant', content: '' } });
    const once = await ollama.chat(body);
    expect(parts.map((p) => p.message.content).join('').trim()).toBe(once.message.content);
    expect(once.eval_count).toBe(last.eval_count);
  });

  it('list, ps, show and version describe the model', async () => {
    expect((await ollama.list()).models[0]).toMatchObject({ name: 'tiny', details: { family: 'gpt2' } });
    expect((await ollama.ps()).models[0]).toMatchObject({ name: 'tiny', size_vram: 0 });
    const show = await ollama.show({ model: 'tiny' });
    expect(show.model_info).toMatchObject({ 'general.architecture': 'gpt2', 'gpt2.context_length': 64, 'gpt2.embedding_length': 16, 'gpt2.block_count': 1 });
    expect(show.capabilities).toEqual(['completion', 'embedding']);
    expect(typeof (await ollama.version()).version).toBe('string');
  });

  it('embed: the same unit vectors as @llm/gpt embed; a long input is truncated to the context unless truncate: false', async () => {
    const r = await ollama.embed({ model: 'tiny', input: ['The jury said', 'Hello, world!'] });
    expect(r.embeddings).toHaveLength(2);
    const expected = await embed(model, tokenizer.encode('Hello, world!'));
    r.embeddings[1].forEach((x, j) => expect(x).toBeCloseTo(expected[j], 6));
    const long = 'word '.repeat(100);
    const truncated = await ollama.embed({ model: 'tiny', input: long });
    const first64 = await embed(model, tokenizer.encode(long).slice(0, 64));
    truncated.embeddings[0].forEach((x, j) => expect(x).toBeCloseTo(first64[j], 6));
    const refused = await ollama.embed({ model: 'tiny', input: long, truncate: false }).catch((e) => e);
    expect(refused.status_code).toBe(400);
    expect((await ollama.embeddings({ model: 'tiny', prompt: 'Hello, world!' })).embedding[0]).toBeCloseTo(expected[0], 6);
  });

  it('errors are ResponseErrors with the status; an aborted stream stops its generation', async () => {
    const err = await ollama.generate({ model: 'llama3', prompt: 'x' }).catch((e) => e);
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(404);
    expect(err.message).toMatch(/model "llama3" not found/);
    const bad = await ollama.chat({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], options: { temperature: -1 } }).catch((e) => e);
    expect(bad.status_code).toBe(400);
    expect(bad.message).toMatch(/'options\.temperature' must be >= 0/);

    const before = events.length;
    const stream = await ollama.generate({ model: 'tiny', prompt: 'The jury said', stream: true, options: { num_predict: 2000 } });
    let seen = 0;
    await (async () => {
      for await (const _ of stream) if (++seen === 2) stream.abort();
    })().catch(() => {});
    await expect.poll(() => events.length, { timeout: 20_000 }).toBe(before + 1);
    expect(events[events.length - 1].finishReason).toBe('aborted');
  });
});

describe('a model with its own chat template', () => {
  it('the chat endpoints use it (and no Alpaca stop); the others are unchanged', async () => {
    const render = (messages: { role: string; content: string }[]) => tokenizer.encode(`${messages.map((m) => `<${m.role}>${m.content}`).join('')}<assistant>`);
    const templated = createServer({ model, tokenizer, modelName: 'tiny', chatTemplate: render });
    const url = await listen(templated);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Name a colour.' }];
    const r = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 6, temperature: 0 });
    const prompt = '<user>Name a colour.<assistant>';
    expect(r.usage!.prompt_tokens).toBe(tokenizer.encode(prompt).length);
    expect(r.choices[0].message.content).toBe((await greedy(prompt, 6)).trim());
    const o = await new Ollama({ host: url }).chat({ model: 'tiny', messages, options: { temperature: 0, num_predict: 6 } });
    expect(o.prompt_eval_count).toBe(tokenizer.encode(prompt).length);
    templated.closeAllConnections();
    await new Promise((res) => templated.close(res));
  });
});

describe('what the clients cannot send', () => {
  it('400 for malformed JSON and a non-object body; 413 past the limit', async () => {
    for (const [body, message] of [['{"prompt": "x",', /not valid JSON/], ['[1, 2]', /JSON object/], ['', /empty/]] as const) {
      const r = await postJson(`${base}/v1/completions`, body);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toMatch(message);
    }
    const big = JSON.stringify({ prompt: 'x'.repeat(10_000) });
    const declared = await rawRequest(`${base}/v1/completions`, { headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) }, body: big });
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(`${base}/api/generate`, { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: big });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).error).toMatch(/larger than the limit of 4096 bytes/);
  });

  it('404 for unknown paths, 405 for the wrong method, 400 past the context', async () => {
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
    const method = await fetch(`${base}/v1/completions`);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    const prompt = 'one two three four five six seven eight nine ten'.repeat(7);
    const { status, json } = await postJson(`${base}/api/generate`, { prompt, stream: false });
    expect(status).toBe(400);
    expect(json.error).toMatch(/tokens, longer than the model's context length of 64 tokens/);
  });

  it('answers 503 when as many requests as --max-queue are under way', async () => {
    const small = createServer({ model, tokenizer, modelName: 'tiny', maxQueue: 1, maxTokens: 2000 });
    const url = await listen(small);
    const controller = new AbortController();
    const first = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: 'Hi', max_tokens: 2000, stream: true }), signal: controller.signal });
    expect(first.status).toBe(200);
    const busy = await postJson(`${url}/v1/completions`, { prompt: 'Hi', max_tokens: 2 });
    expect(busy.status).toBe(503);
    expect(busy.json.error.message).toMatch(/the server is busy/);
    controller.abort();
    small.closeAllConnections();
    await new Promise((r) => small.close(r));
  });
});

describe('serving many clients', () => {
  it('decodes concurrent requests in shared steps, each answer the one it gets alone', async () => {
    const prompts = Array.from({ length: 8 }, (_, i) => `Request number ${i} says`);
    const stepsBefore = batchSizes.length;
    const answers = await Promise.all(prompts.map((prompt, i) => openai.completions.create({ model: 'tiny', prompt, max_tokens: 6 + i, temperature: 0 })));
    for (let i = 0; i < prompts.length; i++) expect(answers[i].choices[0].text).toBe(await greedy(prompts[i], 6 + i));
    expect(Math.max(...batchSizes.slice(stepsBefore))).toBeGreaterThan(1);
  });

  it('abandoned streams (many at once) each stop their generation and free their KV caches', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const storages = memoryStats().storages;
    const before = events.length;
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const stream = await openai.completions.create({ model: 'tiny', prompt: `Abandoned ${i}`, max_tokens: 2000, stream: true });
      let seen = 0;
      await (async () => {
        for await (const _ of stream) if (++seen === 1 + (i % 3)) stream.controller.abort();
      })().catch(() => {});
    }));
    await expect.poll(() => events.length, { timeout: 20_000 }).toBe(before + 20);
    expect(events.slice(before).every((e) => e.finishReason === 'aborted')).toBe(true);
    await expect.poll(() => memoryStats().storages, { timeout: 5000 }).toBe(storages);
    const after = await openai.completions.create({ model: 'tiny', prompt: 'Still there?', max_tokens: 3, temperature: 0 });
    expect(after.choices[0].text).toBe(await greedy('Still there?', 3));
  });

  it('keeps answering while a long generation runs', async () => {
    const order: string[] = [];
    const started = tokens;
    const long = openai.completions.create({ model: 'tiny', prompt: 'The jury said', max_tokens: 300 }).then(() => order.push('generation'));
    await expect.poll(() => tokens > started).toBe(true);
    await openai.models.list().then(() => order.push('models'));
    await long;
    expect(order).toEqual(['models', 'generation']);
  });

  it('completes every request of many concurrent mixed clients, losing none', async () => {
    const clients = 10;
    const perClient = 5;
    const before = events.length;
    const endpoints = [
      (i: number) => openai.completions.create({ model: 'tiny', prompt: `Request ${i}`, max_tokens: 3, temperature: 0 }).then((r) => r.usage?.completion_tokens === 3),
      (i: number) => postText(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: `Request ${i}` }], max_tokens: 3, stream: true }).then((r) => r.status === 200 && r.text.endsWith('data: [DONE]\n\n')),
      (i: number) => postText(`${base}/api/generate`, { prompt: `Request ${i}`, options: { num_predict: 3 } }).then((r) => parseNdjson(r.text).pop()?.done === true),
      (i: number) => ollama.chat({ model: 'tiny', messages: [{ role: 'user', content: `Request ${i}` }], options: { num_predict: 3 } }).then((r) => r.done === true),
    ];
    const results = await Promise.all(Array.from({ length: clients }, async (_, c) => {
      const mine: boolean[] = [];
      for (let k = 0; k < perClient; k++) mine.push(await endpoints[(c * perClient + k) % endpoints.length](c * perClient + k));
      return mine;
    }));
    expect(results.flat().filter((ok) => !ok)).toEqual([]);
    expect(events.length - before).toBe(clients * perClient);
  }, 120_000);
});
