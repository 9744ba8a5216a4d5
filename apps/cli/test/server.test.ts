// `llm serve` over real HTTP on loopback, with a tiny random GPT: every endpoint (plain and
// streamed), the error cases, the context limit, disconnects, and many concurrent clients.
import http from 'node:http';
import { generate } from '@llm/gpt';
import { getEncoding } from '@llm/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent } from '../src/server/index.js';
import { createServer } from '../src/server/index.js';
import { listen, parseNdjson, parseSse, postJson, postText, rawRequest, tinyModel } from './helpers.js';

const tokenizer = getEncoding('gpt2');
const model = tinyModel();
const events: GenerationEvent[] = [];
let tokens = 0;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = createServer({
    model, tokenizer, modelName: 'tiny', maxBodyBytes: 4096, maxTokens: 2000,
    onToken: () => tokens++, onGeneration: (e) => events.push(e),
  });
  base = await listen(server);
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

describe('OpenAI API', () => {
  it('GET /v1/models lists the model', async () => {
    const res = await fetch(`${base}/v1/models`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: 'list', data: [{ id: 'tiny', object: 'model', created: 0, owned_by: 'llm' }] });
  });

  it('POST /v1/completions answers with the greedy continuation and token counts', async () => {
    const { status, json } = await postJson(`${base}/v1/completions`, { model: 'tiny', prompt: 'Hello, world!', max_tokens: 6, temperature: 0 });
    expect(status).toBe(200);
    expect(json.object).toBe('text_completion');
    expect(json.model).toBe('tiny');
    expect(json.id).toMatch(/^cmpl-/);
    expect(json.choices).toHaveLength(1);
    expect(json.choices[0].text).toBe(await greedy('Hello, world!', 6));
    // "Hello, world!" is [15496, 11, 995, 0] in tiktoken's gpt2
    expect(json.usage.prompt_tokens).toBe(4);
    expect(json.usage.completion_tokens).toBe(6);
    expect(json.usage.total_tokens).toBe(10);
    expect(json.choices[0].finish_reason).toBe('length');
  });

  it('accepts a prompt of token ids and echoes the prompt when asked', async () => {
    const { status, json } = await postJson(`${base}/v1/completions`, { prompt: [15496, 11, 995, 0], max_tokens: 3, temperature: 0, echo: true });
    expect(status).toBe(200);
    expect(json.choices[0].text).toBe(`Hello, world!${await greedy('Hello, world!', 3)}`);
  });

  it('streams /v1/completions as server-sent events that add up to the same text', async () => {
    const plain = await postJson(`${base}/v1/completions`, { prompt: 'The jury said', max_tokens: 8, temperature: 0 });
    const { status, text, contentType } = await postText(`${base}/v1/completions`, { prompt: 'The jury said', max_tokens: 8, temperature: 0, stream: true, stream_options: { include_usage: true } });
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    const events = parseSse(text) as any[];
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1);
    const usage = chunks.pop();
    expect(usage.usage).toEqual(plain.json.usage);
    const last = chunks[chunks.length - 1];
    expect(last.choices[0].finish_reason).toBe('length');
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null && c.object === 'text_completion')).toBe(true);
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe(plain.json.choices[0].text);
  });

  it('stops at a stop sequence, leaving it out', async () => {
    const full = await greedy('The jury said', 8);
    const stop = full.slice(3, 6);
    const { json } = await postJson(`${base}/v1/completions`, { prompt: 'The jury said', max_tokens: 8, temperature: 0, stop });
    expect(json.choices[0].text).toBe(full.slice(0, full.indexOf(stop)));
    expect(json.choices[0].finish_reason).toBe('stop');
  });

  it('gives the same sample for the same seed', async () => {
    const body = { prompt: 'Once upon a time', max_tokens: 8, temperature: 1, top_p: 0.9, seed: 7 };
    const a = await postJson(`${base}/v1/completions`, body);
    const b = await postJson(`${base}/v1/completions`, body);
    expect(a.json.choices[0].text).toBe(b.json.choices[0].text);
  });

  it('POST /v1/chat/completions answers as the assistant; streamed deltas add up to it', async () => {
    const body = { model: 'tiny', messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'Name a colour.' }], max_tokens: 5, temperature: 0 };
    const { status, json } = await postJson(`${base}/v1/chat/completions`, body);
    expect(status).toBe(200);
    expect(json.object).toBe('chat.completion');
    expect(json.choices[0].message.role).toBe('assistant');
    expect(typeof json.choices[0].message.content).toBe('string');
    expect(json.usage.completion_tokens).toBeLessThanOrEqual(5);

    const streamed = await postText(`${base}/v1/chat/completions`, { ...body, stream: true });
    const events = parseSse(streamed.text) as any[];
    expect(events.pop()).toBe('[DONE]');
    expect(events[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(events.every((e) => e.object === 'chat.completion.chunk')).toBe(true);
    expect(events[events.length - 1].choices[0].finish_reason).toBe(json.choices[0].finish_reason);
    const content = events.map((e) => e.choices[0].delta.content ?? '').join('');
    expect(content.trim()).toBe(json.choices[0].message.content);
  });

  it('accepts message content as a list of text parts', async () => {
    const { status } = await postJson(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_tokens: 2 });
    expect(status).toBe(200);
  });
});

describe('Ollama API', () => {
  it('POST /api/generate streams JSON lines, ending with done and counts', async () => {
    const { status, text, contentType } = await postText(`${base}/api/generate`, { model: 'tiny', prompt: 'The jury said', options: { temperature: 0, num_predict: 7 } });
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/x-ndjson/);
    const lines = parseNdjson(text);
    const last = lines.pop();
    expect(lines.every((l) => l.done === false && l.model === 'tiny' && typeof l.response === 'string')).toBe(true);
    expect(last).toMatchObject({ model: 'tiny', response: '', done: true, done_reason: 'length', prompt_eval_count: 3, eval_count: 7 });
    expect(last.total_duration).toBeGreaterThan(0);
    expect(lines.map((l) => l.response).join('')).toBe(await greedy('The jury said', 7));
  });

  it('POST /api/generate with stream: false answers once', async () => {
    const { status, json } = await postJson(`${base}/api/generate`, { model: 'tiny:latest', prompt: 'The jury said', stream: false, options: { temperature: 0, num_predict: 7 } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: 'tiny', done: true, eval_count: 7, response: await greedy('The jury said', 7) });
  });

  it('POST /api/generate with an empty prompt only loads the model', async () => {
    const { json } = await postJson(`${base}/api/generate`, { model: 'tiny' });
    expect(json).toMatchObject({ done: true, done_reason: 'load', response: '' });
  });

  it('POST /api/chat streams message pieces and answers once with stream: false', async () => {
    const body = { model: 'tiny', messages: [{ role: 'user', content: 'Is the sky blue?' }], options: { temperature: 0, num_predict: 5, seed: 123 } };
    const streamed = parseNdjson((await postText(`${base}/api/chat`, body)).text);
    const last = streamed.pop();
    expect(last).toMatchObject({ model: 'tiny', done: true, message: { role: 'assistant', content: '' } });
    expect(streamed.every((l) => l.done === false && l.message.role === 'assistant')).toBe(true);
    const { json } = await postJson(`${base}/api/chat`, { ...body, stream: false });
    expect(json).toMatchObject({ model: 'tiny', done: true, message: { role: 'assistant' } });
    expect(streamed.map((l) => l.message.content).join('').trim()).toBe(json.message.content);
    expect(json.eval_count).toBe(last.eval_count);
  });

  it('GET /api/tags and /api/version', async () => {
    const tags = await (await fetch(`${base}/api/tags`)).json();
    expect(tags.models[0]).toMatchObject({ name: 'tiny', details: { family: 'gpt2', context_length: 64 } });
    const version = await (await fetch(`${base}/api/version`)).json();
    expect(typeof version.version).toBe('string');
  });
});

describe('bad requests', () => {
  it('400 with a JSON error for malformed JSON, a non-object body and bad fields', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['/v1/completions', '{"prompt": "x",', /not valid JSON/],
      ['/v1/completions', '[1, 2]', /JSON object/],
      ['/v1/completions', '', /empty/],
      ['/v1/completions', { max_tokens: 3 }, /'prompt'/],
      ['/v1/completions', { prompt: 'x', temperature: 'hot' }, /'temperature' must be a number/],
      ['/v1/completions', { prompt: 'x', max_tokens: 0 }, /'max_tokens' must be >= 1/],
      ['/v1/completions', { prompt: 'x', n: 2 }, /'n' must be 1/],
      ['/v1/completions', { prompt: [1, 99999] }, /outside 0\.\.50256/],
      ['/v1/completions', { prompt: 'x', max_tokens: 5000 }, /at most 2000 new tokens/],
      ['/v1/chat/completions', { messages: [] }, /'messages'/],
      ['/v1/chat/completions', { messages: [{ role: 'robot', content: 'hi' }] }, /messages\[0\]\.role/],
    ];
    for (const [path, body, message] of cases) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.error.message).toMatch(message);
      expect(json.error.type).toBe('invalid_request_error');
    }
    const streamed = await postJson(`${base}/v1/completions`, { prompt: 'x', max_tokens: 5000, stream: true });
    expect(streamed.status).toBe(400); // refused before the stream begins
    expect(streamed.json.error.param).toBe('max_tokens');
    const ollama = await postJson(`${base}/api/chat`, { messages: [{ role: 'user', content: 'hi' }], options: { temperature: -1 } });
    expect(ollama.status).toBe(400);
    expect(ollama.json.error).toMatch(/'options\.temperature' must be >= 0/);
  });

  it('413 for a body over the limit, declared or streamed', async () => {
    const big = JSON.stringify({ prompt: 'x'.repeat(10_000) });
    const declared = await rawRequest(`${base}/v1/completions`, { headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) }, body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error.message).toMatch(/larger than the limit of 4096 bytes/);
    const chunked = await rawRequest(`${base}/api/generate`, { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: big });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).error).toMatch(/larger than the limit/);
  });

  it('404 for unknown paths and models, 405 for the wrong method', async () => {
    const path = await fetch(`${base}/v1/nothing`);
    expect(path.status).toBe(404);
    expect((await path.json()).error.message).toMatch(/no such endpoint/);
    const openaiModel = await postJson(`${base}/v1/completions`, { model: 'gpt-4', prompt: 'x' });
    expect(openaiModel.status).toBe(404);
    expect(openaiModel.json.error.code).toBe('model_not_found');
    const ollamaModel = await postJson(`${base}/api/generate`, { model: 'llama3', prompt: 'x' });
    expect(ollamaModel.status).toBe(404);
    expect(ollamaModel.json.error).toMatch(/model "llama3" not found/);
    const method = await fetch(`${base}/v1/completions`);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
  });

  it('refuses a prompt longer than the context length', async () => {
    const prompt = 'one two three four five six seven eight nine ten'.repeat(7); // the context is 64 tokens
    const n = tokenizer.encode(prompt).length;
    expect(n).toBeGreaterThan(64);
    for (const [path, body] of [
      ['/v1/completions', { prompt }],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: prompt }] }],
      ['/api/generate', { prompt, stream: false }],
    ] as const) {
      const { status, json } = await postJson(`${base}${path}`, body);
      expect(status, path).toBe(400);
      expect(JSON.stringify(json)).toMatch(/tokens, longer than the model's context length of 64 tokens/);
      if (path === '/v1/completions') expect(json.error.message).toMatch(new RegExp(`the prompt is ${n} tokens`));
    }
  });
});

describe('serving', () => {
  it('stops generating when the client disconnects', async () => {
    const before = events.length;
    const tokensBefore = tokens;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${base}/v1/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.once('data', () => {
          req.destroy(); // the first token arrived: hang up
          resolve();
        });
      });
      req.on('error', () => {});
      req.end(JSON.stringify({ prompt: 'The jury said', max_tokens: 2000, stream: true }));
      setTimeout(() => reject(new Error('no data')), 30_000);
    });
    await expect.poll(() => events.length, { timeout: 20_000 }).toBe(before + 1);
    const ended = events[events.length - 1];
    expect(ended.finishReason).toBe('aborted');
    expect(ended.completionTokens).toBeLessThan(2000);
    expect(tokens - tokensBefore).toBe(ended.completionTokens);
    // the server goes on serving
    const { status } = await postJson(`${base}/v1/completions`, { prompt: 'Hi', max_tokens: 2 });
    expect(status).toBe(200);
  });

  it('keeps answering while a long generation runs (the event loop is not blocked)', async () => {
    const order: string[] = [];
    const started = tokens;
    const long = postJson(`${base}/v1/completions`, { prompt: 'The jury said', max_tokens: 300 }).then(() => order.push('generation'));
    await expect.poll(() => tokens > started).toBe(true); // the generation is under way
    await fetch(`${base}/v1/models`).then(() => order.push('models'));
    await long;
    expect(order).toEqual(['models', 'generation']);
  });

  it('answers 503 when the queue is full', async () => {
    const small = createServer({ model, tokenizer, modelName: 'tiny', maxQueue: 1, maxTokens: 2000 });
    const url = await listen(small);
    const controller = new AbortController();
    const long = fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'Hi', max_tokens: 2000, stream: true }), signal: controller.signal });
    const first = await long;
    expect(first.status).toBe(200);
    const busy = await postJson(`${url}/v1/completions`, { prompt: 'Hi', max_tokens: 2 });
    expect(busy.status).toBe(503);
    expect(busy.json.error.message).toMatch(/the server is busy/);
    controller.abort();
    small.closeAllConnections();
    await new Promise((r) => small.close(r));
  });

  it('completes every request of many concurrent clients, losing none', async () => {
    const clients = 10;
    const perClient = 5;
    const before = events.length;
    const endpoints = [
      (i: number) => postJson(`${base}/v1/completions`, { prompt: `Request ${i}`, max_tokens: 3, temperature: 0 }).then((r) => ({ status: r.status, ok: r.json.usage?.completion_tokens === 3 })),
      (i: number) => postText(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: `Request ${i}` }], max_tokens: 3, stream: true }).then((r) => ({ status: r.status, ok: r.text.endsWith('data: [DONE]\n\n') })),
      (i: number) => postText(`${base}/api/generate`, { prompt: `Request ${i}`, options: { num_predict: 3 } }).then((r) => ({ status: r.status, ok: parseNdjson(r.text).pop()?.done === true })),
      (i: number) => postJson(`${base}/api/chat`, { messages: [{ role: 'user', content: `Request ${i}` }], stream: false, options: { num_predict: 3 } }).then((r) => ({ status: r.status, ok: r.json.done === true })),
    ];
    const results = await Promise.all(Array.from({ length: clients }, async (_, c) => {
      const mine = [];
      for (let k = 0; k < perClient; k++) {
        const i = c * perClient + k;
        mine.push({ i, ...(await endpoints[i % endpoints.length](i)) });
      }
      return mine;
    }));
    const all = results.flat();
    expect(all).toHaveLength(clients * perClient);
    expect(all.filter((r) => r.status !== 200 || !r.ok)).toEqual([]);
    expect(events.length - before).toBe(clients * perClient);
  }, 120_000);
});
