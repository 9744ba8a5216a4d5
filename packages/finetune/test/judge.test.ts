// The judge client against a real HTTP server on loopback that speaks Ollama's /api/chat (one
// JSON reply or a stream of JSON lines) and /api/generate, and OpenAI's /v1/chat/completions,
// with canned scores; plus the failures a user meets: nothing listening, bad JSON, a reply that
// is not a score, an HTTP error, a server that never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInput, judgePrompt, judgeResponses, JudgeError, parseScore, queryModel, resolveJudgeEndpoint } from '../src/index.js';

interface Seen { path: string; body: any; auth?: string }
const seen: Seen[] = [];
let server: Server;
let base: string;

// the canned score of a prompt: ten points per character of the judged response, at most 100
function cannedScore(prompt: string): string {
  const m = /score the model response `([^`]*)`/.exec(prompt);
  if (!m) return 'no response found';
  if (m[1] === 'WORDS') return 'This answer deserves a good grade.';
  return String(Math.min(100, m[1].length * 10));
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const body = raw ? JSON.parse(raw) : {};
  const path = req.url ?? '';
  seen.push({ path, body, auth: req.headers.authorization });
  const json = (status: number, value: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
  if (path === '/api/chat') {
    return json(200, { model: body.model, message: { role: 'assistant', content: cannedScore(body.messages[0].content) }, done: true });
  }
  if (path === '/stream/api/chat') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${JSON.stringify({ message: { content: '8' }, done: false })}\n`);
    return void res.end(`${JSON.stringify({ message: { content: '5' }, done: true })}\n`);
  }
  if (path === '/api/generate') return json(200, { model: body.model, response: cannedScore(body.prompt), done: true });
  if (path === '/v1/chat/completions') {
    if (req.headers.authorization !== 'Bearer sk-test') return json(401, { error: { message: 'invalid api key' } });
    return json(200, { choices: [{ index: 0, message: { role: 'assistant', content: cannedScore(body.messages[0].content) } }] });
  }
  if (path === '/bad-json/api/chat') { res.writeHead(200); return void res.end('<html>not json</html>'); }
  if (path === '/wrong-shape/api/chat') return json(200, { choices: [] });
  if (path === '/ollama-error/api/chat') return json(200, { error: "model 'llama3' not found, try pulling it first" });
  if (path === '/broken/api/chat') return json(500, { error: 'internal' });
  if (path === '/slow/api/chat') return; // never answers
  json(404, { error: `no route ${path}` });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const entry = { instruction: 'Rewrite the sentence using a simile.', input: 'The car is very fast.', output: 'The car is as fast as lightning.' };

describe('judgePrompt', () => {
  it('is the book\'s prompt', () => {
    expect(judgePrompt(entry, 'The car is as fast as a bullet.')).toBe(
      `Given the input \`${formatInput(entry)}\` and correct output \`The car is as fast as lightning.\`, `
      + 'score the model response `The car is as fast as a bullet.` on a scale from 0 to 100, where 100 is the best score. '
      + 'Respond with the integer number only.',
    );
  });
});

describe('queryModel speaks three APIs', () => {
  it('Ollama /api/chat, with the book\'s options', async () => {
    seen.length = 0;
    expect(await queryModel(judgePrompt(entry, 'abcd'), { url: `${base}/api/chat` })).toBe('40');
    expect(seen[0].body).toEqual({ model: 'llama3', messages: [{ role: 'user', content: judgePrompt(entry, 'abcd') }], options: { seed: 123, temperature: 0, num_ctx: 2048 }, stream: false });
  });

  it('a stream of JSON lines is joined', async () => {
    expect(await queryModel('x', { url: `${base}/stream/api/chat` })).toBe('85');
  });

  it('Ollama /api/generate and OpenAI chat completions (with an API key)', async () => {
    seen.length = 0;
    expect(await queryModel(judgePrompt(entry, 'ab'), { url: `${base}/api/generate`, model: 'qwen' })).toBe('20');
    expect(seen[0].body).toMatchObject({ model: 'qwen', prompt: judgePrompt(entry, 'ab'), stream: false });
    expect(await queryModel(judgePrompt(entry, 'abcdefghijklm'), { url: `${base}/v1`, api: 'openai', model: 'gpt-x', apiKey: 'sk-test' })).toBe('100');
    expect(seen[1]).toMatchObject({ path: '/v1/chat/completions', auth: 'Bearer sk-test', body: { model: 'gpt-x', temperature: 0, seed: 123 } });
  });

  it('resolves endpoints from base URLs and paths', () => {
    expect(resolveJudgeEndpoint({ url: 'http://localhost:11434' })).toEqual({ url: 'http://localhost:11434/api/chat', api: 'ollama-chat' });
    expect(resolveJudgeEndpoint({ url: 'http://h:1', api: 'ollama-generate' })).toEqual({ url: 'http://h:1/api/generate', api: 'ollama-generate' });
    expect(resolveJudgeEndpoint({ url: 'http://h:1/v1/chat/completions' }).api).toBe('openai');
    expect(() => resolveJudgeEndpoint({ url: 'http://h:1/somewhere' })).toThrow(/cannot tell the API from the path/);
    expect(() => resolveJudgeEndpoint({ url: 'not a url' })).toThrow(/not a valid URL/);
  });
});

describe('errors are clear', () => {
  const kindOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof JudgeError ? `${e.kind}: ${e.message}` : `other: ${String(e)}`));

  it('connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await kindOf(queryModel('x', { url: `http://127.0.0.1:${port}/api/chat`, timeoutMs: 5000 }))).toMatch(/^connection: .*connection refused: is the server running/);
  });

  it('bad JSON, a reply without the API\'s field, and Ollama\'s own error', async () => {
    expect(await kindOf(queryModel('x', { url: `${base}/bad-json/api/chat` }))).toMatch(/^bad-json: .*not JSON: "<html>not json<\/html>"/);
    expect(await kindOf(queryModel('x', { url: `${base}/wrong-shape/api/chat` }))).toMatch(/^bad-json: .*has no message\.content \(is this the ollama-chat API\?\)/);
    expect(await kindOf(queryModel('x', { url: `${base}/ollama-error/api/chat` }))).toMatch(/^bad-json: .*model 'llama3' not found/);
  });

  it('HTTP errors and a wrong API key', async () => {
    expect(await kindOf(queryModel('x', { url: `${base}/broken/api/chat` }))).toMatch(/^http: .*HTTP 500/);
    expect(await kindOf(queryModel('x', { url: `${base}/v1/chat/completions`, apiKey: 'wrong' }))).toMatch(/^http: .*HTTP 401.*invalid api key/);
  });

  it('a bounded wait for a server that never answers', async () => {
    expect(await kindOf(queryModel('x', { url: `${base}/slow/api/chat`, timeoutMs: 300 }))).toMatch(/^timeout: .*no complete reply within 300 ms/);
  });

  it('non-numeric and out-of-range scores', () => {
    expect(parseScore('85')).toBe(85);
    expect(parseScore(' 85.\n')).toBe(85);
    expect(parseScore('90/100')).toBe(90);
    expect(parseScore('Score: 72')).toBe(72);
    expect(() => parseScore('I would rate it highly')).toThrow(/bad-score|expected a score from 0 to 100/);
    expect(() => parseScore('between 70 and 80')).toThrow(/expected a score from 0 to 100/);
    expect(() => parseScore('150')).toThrow(/outside 0-100/);
  });
});

describe('judgeResponses', () => {
  it('scores every entry, records unusable replies and averages the rest', async () => {
    const entries = [
      { ...entry, model_response: 'abc' }, // 30
      { ...entry, model_response: 'WORDS' }, // not a number
      { ...entry, model_response: 'abcdefg' }, // 70
    ];
    const r = await judgeResponses(entries, { url: `${base}/api/chat` });
    expect(r.scores).toEqual([30, null, 70]);
    expect(r.average).toBe(50);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ index: 1, message: expect.stringMatching(/expected a score/) });
  });

  it('stops at a transport error', async () => {
    await expect(judgeResponses([{ ...entry, model_response: 'a' }], { url: `${base}/broken/api/chat` })).rejects.toThrow(/HTTP 500/);
  });
});
