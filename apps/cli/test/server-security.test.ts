// `llm serve`'s defaults against the web pages open in the user's browser and against slow or
// unauthenticated clients: no CORS headers unless an origin is listed, Host and Origin checks
// (DNS rebinding), 415 for bodies not declared JSON, the API key as OpenAI's clients send it, and
// request/header timeouts for half-sent requests.
import http from 'node:http';
import net from 'node:net';
import { getEncoding } from '@llm/tokenizer';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ServerOptions } from '../src/server/index.js';
import { listen, rawRequest, tinyModel } from './helpers.js';

const tokenizer = getEncoding('gpt2');
const model = tinyModel();
const servers: http.Server[] = [];

async function start(opts: Partial<ServerOptions> = {}): Promise<string> {
  const server = createServer({ model, tokenizer, modelName: 'tiny', ...opts });
  servers.push(server);
  return listen(server);
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = { 'Content-Type': 'application/json' };
const body = JSON.stringify({ prompt: 'Hi', max_tokens: 1 });

describe('default: loopback only, no cross-origin access', () => {
  let base: string;
  let port: string;
  beforeAll(async () => {
    base = await start();
    port = new URL(base).port;
  });

  it('sends no CORS headers, and refuses a foreign Origin (a web page) with 403', async () => {
    const plain = await fetch(`${base}/v1/models`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const page = await fetch(`${base}/v1/models`, { headers: { Origin: 'https://evil.example' } });
    expect(page.status).toBe(403);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect((await page.json()).error.message).toMatch(/--cors-origin https:\/\/evil\.example/);
    const preflight = await fetch(`${base}/v1/completions`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // its own origin (a page it served) is not cross-origin
    expect((await fetch(`${base}/v1/models`, { headers: { Origin: `http://127.0.0.1:${port}` } })).status).toBe(200);
  });

  it('refuses a Host that is not the bound address or a loopback name (DNS rebinding) with 403', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawRequest(`${base}/v1/models`, { method: 'GET', headers: { Host: host } })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost:${Number(port) + 1}`, 'localhost']) {
      const r = await rawRequest(`${base}/v1/models`, { method: 'GET', headers: { Host: host } });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.text).error.message).toMatch(/Host .* is not/);
    }
  });

  it('415 for a POST body not declared as JSON (no preflight needed for text/plain or a form)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const r = await rawRequest(`${base}/v1/completions`, { headers: type ? { 'Content-Type': type } : {}, body });
      expect(r.status, type).toBe(415);
      expect(JSON.parse(r.text).error.message).toMatch(/Content-Type: application\/json/);
    }
    const ollama = await rawRequest(`${base}/api/generate`, { headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ prompt: 'Hi' }) });
    expect(ollama.status).toBe(415);
    expect(JSON.parse(ollama.text).error).toMatch(/application\/json/);
    expect((await rawRequest(`${base}/v1/completions`, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body })).status).toBe(200);
  });
});

describe('--cors-origin and --allow-host', () => {
  it('answers a listed origin with CORS headers (preflight too), and no other', async () => {
    const base = await start({ corsOrigins: ['http://localhost:3000'] });
    const preflight = await fetch(`${base}/v1/completions`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    const r = await fetch(`${base}/v1/completions`, { method: 'POST', headers: { ...json, Origin: 'http://localhost:3000' }, body });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(r.headers.get('vary')).toBe('Origin');
    expect((await fetch(`${base}/v1/models`, { headers: { Origin: 'http://localhost:3001' } })).status).toBe(403);
  });

  it('accepts a Host named with allowedHosts', async () => {
    const base = await start({ allowedHosts: ['llm.internal'] });
    const port = new URL(base).port;
    expect((await rawRequest(`${base}/v1/models`, { method: 'GET', headers: { Host: `llm.internal:${port}` } })).status).toBe(200);
    expect((await rawRequest(`${base}/v1/models`, { method: 'GET', headers: { Host: `other.internal:${port}` } })).status).toBe(403);
  });
});

describe('--api-key', () => {
  it('needs the key as a Bearer token: the openai client with it works, without it gets AuthenticationError', async () => {
    const base = await start({ apiKey: 'sk-test-123' });
    const good = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-test-123', maxRetries: 0 });
    expect((await good.models.list()).data[0].id).toBe('tiny');
    const wrong = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await wrong.completions.create({ model: 'tiny', prompt: 'Hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
    const none = await fetch(`${base}/api/tags`);
    expect(none.status).toBe(401);
    expect((await none.json()).error).toMatch(/Authorization: Bearer/);
    expect((await fetch(`${base}/api/tags`, { headers: { Authorization: 'Bearer sk-test-123' } })).status).toBe(200);
  });
});

describe('timeouts', () => {
  it('answers 408 and closes a request whose body stops half-way, and one whose headers never end', async () => {
    const base = await start({ requestTimeoutMs: 300, headersTimeoutMs: 200 });
    const { port } = new URL(base);
    const halfSent = (lines: string) => new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(lines));
      let got = '';
      socket.on('data', (d) => (got += d));
      socket.on('close', () => resolve(got));
    });
    const body = await halfSent(`POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"prompt":`);
    const headers = await halfSent(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    expect(body).toMatch(/^HTTP\/1\.1 408/);
    expect(headers).toMatch(/^HTTP\/1\.1 408/);
  });
});
