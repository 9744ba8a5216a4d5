// Shared by the tests: a tiny random GPT (GPT-2's vocabulary, so GPT-2's tokenizer fits it) and
// small raw HTTP helpers for what the official clients (used in server.test.ts) cannot send.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GPTModel, type GPTConfig } from '@llm/gpt';
import { manualSeed } from '@llm/tensor';

export const TINY: GPTConfig = { vocabSize: 50257, contextLength: 64, embDim: 16, nHeads: 2, nLayers: 1, dropRate: 0, qkvBias: false };

export function tinyModel(seed = 123, config: GPTConfig = TINY): GPTModel {
  manualSeed(seed);
  return new GPTModel(config).eval();
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

export function parseNdjson(text: string): any[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

export async function postText(url: string, body: unknown): Promise<{ status: number; text: string; contentType: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** Raw request with a body we control (size, declared length), resolving to the status and body. */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // the server may answer (413) and close before the whole body is sent: the answer is what counts
    req.on('error', (e) => reject(e));
    if (opts.body !== undefined) req.write(opts.body, () => {});
    req.end();
  });
}

/**
 * Runs `llm ...args` in-process with captured output; stdin is the given text (a pipe), or a terminal when undefined.
 * stdout is a pipe (as in `llm ... > out.txt`); stderr a pipe too, or a terminal with stderrIsTTY.
 */
export async function runCli(args: string[], opts: { stdin?: string; env?: Record<string, string>; stderrIsTTY?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../src/main.js');
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { write: (s: string) => { out += s; return true; }, isTTY: false },
    stderr: { write: (s: string) => { err += s; return true; }, isTTY: opts.stderrIsTTY === true, columns: 100 },
    stdin: async function* () {
      if (opts.stdin === undefined) return;
      const lines = opts.stdin.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      yield* lines;
    },
    stdinText: async () => opts.stdin ?? '',
    stdinIsTTY: opts.stdin === undefined,
    env: opts.env ?? {},
  });
  return { code, out, err };
}

/** A failure as the CLI promises it: a non-zero code and exactly one line on stderr, without a stack. */
export function expectOneLineError(r: { code: number; err: string }, message: RegExp, code?: number): void {
  if (r.code === 0) throw new Error(`expected a failure, got exit code 0 (stderr: ${r.err})`);
  if (code !== undefined && r.code !== code) throw new Error(`expected exit code ${code}, got ${r.code}: ${r.err}`);
  const lines = r.err.split('\n');
  if (lines.length !== 2 || lines[1] !== '') throw new Error(`expected one line on stderr, got ${JSON.stringify(r.err)}`);
  if (/\n\s+at /.test(r.err)) throw new Error(`stack trace on stderr: ${r.err}`);
  if (!message.test(lines[0])) throw new Error(`stderr ${JSON.stringify(lines[0])} does not match ${message}`);
}
