// Downloading GPT-2 files from a Hugging Face-like server: a loopback HTTP server started here
// that answers like the Hub (a 302 from /resolve/main/ to a CDN path, with X-Linked-Etag and
// X-Linked-Size) and can misbehave on request. No real network.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, gptConfigToHFConfig, serializeSafetensors, UnknownModelError, type DownloadProgress } from '../src/index.js';
import { defaultCacheDir, downloadFile, downloadPretrained, openSafetensors, type DownloadPretrainedOptions } from '../src/node.js';

// A small model.safetensors (about 64 KiB) and its config.json.
const weights = new Float32Array(16_000).map((_, i) => Math.sin(i) * 0.02);
const MODEL = serializeSafetensors({ 'wte.weight': { dtype: 'F32', shape: [500, 32], data: weights } }, { format: 'pt' });
const MODEL_SHA = createHash('sha256').update(MODEL).digest('hex');
const CONFIG = new TextEncoder().encode(
  JSON.stringify(gptConfigToHFConfig({ vocabSize: 500, contextLength: 16, embDim: 32, nLayers: 1, nHeads: 4, dropRate: 0.1, qkvBias: true })),
);

interface Behaviour {
  /** sha256 announced in X-Linked-Etag (default: the real one; null: none). */
  linkedEtag?: string | null;
  linkedSize?: number;
  /** The first CDN answer sends only this many bytes, then the connection is cut. */
  dropFirstAt?: number;
  ignoreRange?: boolean;
  /** No Content-Length (chunked transfer). */
  chunked?: boolean;
  /** Statuses the CDN answers first, one per request, before it serves the file. */
  failWith?: number[];
  /** Serve this instead of MODEL on the CDN (the Hub headers still describe MODEL). */
  cdnBody?: Uint8Array;
}

let server: Server;
let baseUrl: string;
let behaviour: Behaviour;
let requests: { path: string; range: string | undefined }[];
let cacheDir: string;

function serveCdn(req: IncomingMessage, res: ServerResponse, body: Uint8Array): void {
  if (behaviour.failWith?.length) {
    res.writeHead(behaviour.failWith.shift()!).end('busy');
    return;
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  let start = 0;
  const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes' };
  let status = 200;
  if (range && !behaviour.ignoreRange) {
    start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  }
  const part = body.subarray(start);
  if (!behaviour.chunked) headers['Content-Length'] = part.length;
  res.writeHead(status, headers);
  const drop = behaviour.dropFirstAt;
  if (drop !== undefined) {
    behaviour.dropFirstAt = undefined;
    // Let the client take the bytes in before the connection goes.
    res.write(part.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 50));
    return;
  }
  res.end(part);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  requests.push({ path, range: req.headers.range });
  const hub = /^\/openai-community\/([\w-]+)\/resolve\/main\/(config\.json|model\.safetensors)$/.exec(path);
  if (hub?.[2] === 'config.json') {
    // A git blob sha1 as ETag, as the Hub gives for small files: not a sha256, so not checked.
    res.writeHead(200, { 'Content-Length': CONFIG.length, ETag: '"0123456789abcdef0123456789abcdef01234567"' }).end(CONFIG);
    return;
  }
  if (hub) {
    const headers: Record<string, string | number> = { Location: `/cdn/${hub[1]}/model.safetensors?signed=1`, 'X-Linked-Size': behaviour.linkedSize ?? MODEL.length };
    if (behaviour.linkedEtag !== null) headers['X-Linked-Etag'] = `"${behaviour.linkedEtag ?? MODEL_SHA}"`;
    res.writeHead(302, headers).end();
    return;
  }
  if (path.startsWith('/cdn/')) return serveCdn(req, res, behaviour.cdnBody ?? MODEL);
  res.writeHead(404).end('not found');
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  behaviour = {};
  requests = [];
  cacheDir = await mkdtemp(join(tmpdir(), 'llm-io-dl-'));
  return () => rm(cacheDir, { recursive: true, force: true });
});

const options = (extra: DownloadPretrainedOptions = {}): DownloadPretrainedOptions => ({
  cacheDir,
  baseUrl,
  onProgress: false,
  retryDelayMs: 0,
  ...extra,
});
const modelRequests = () => requests.filter((r) => r.path.startsWith('/cdn/'));
const sameBytes = async (path: string) => Buffer.compare(await readFile(path), MODEL) === 0;

describe('downloadPretrained', () => {
  it('downloads config.json and model.safetensors, following the redirect and checking the sha256', async () => {
    const progress: DownloadProgress[] = [];
    const got = await downloadPretrained('gpt2', options({ onProgress: (p) => progress.push(p) }));
    expect(got.dir).toBe(join(cacheDir, 'gpt2'));
    expect(got.weightsPath).toBe(join(cacheDir, 'gpt2', 'model.safetensors'));
    expect(await sameBytes(got.weightsPath)).toBe(true);
    expect(got.config).toEqual({ vocabSize: 500, contextLength: 16, embDim: 32, nLayers: 1, nHeads: 4, dropRate: 0.1, qkvBias: true });
    expect(got.hfConfig.n_embd).toBe(32);
    const [config, model] = got.files;
    expect(config).toMatchObject({ cached: false, checksumVerified: false, size: CONFIG.length });
    expect(model).toMatchObject({ cached: false, checksumVerified: true, sha256: MODEL_SHA, size: MODEL.length });
    expect(requests.map((r) => r.path)).toEqual([
      '/openai-community/gpt2/resolve/main/config.json',
      '/openai-community/gpt2/resolve/main/model.safetensors',
      '/cdn/gpt2/model.safetensors?signed=1',
    ]);
    const files = await readdir(got.dir);
    expect(files.filter((f) => f.endsWith('.partial') || f.endsWith('.tmp'))).toEqual([]);
    // The weights open and hold what the server served.
    const st = await openSafetensors(got.weightsPath);
    expect(Array.from((await st.read('wte.weight')).data)).toEqual(Array.from(weights));
    await st.close();
    // Progress: bytes and total of the weights, ending with done.
    const last = progress.filter((p) => p.file === 'model.safetensors').at(-1)!;
    expect(last).toMatchObject({ done: true, bytesDone: MODEL.length, bytesTotal: MODEL.length, resumedFrom: 0, etaSeconds: 0 });
  });

  it('skips the download when the files are already there, without touching the network', async () => {
    await downloadPretrained('gpt2', options());
    requests = [];
    const again = await downloadPretrained('gpt2', options({ fetch: () => Promise.reject(new Error('no network expected')) }));
    expect(again.files.map((f) => f.cached)).toEqual([true, true]);
    expect(again.files[1]).toMatchObject({ sha256: MODEL_SHA, checksumVerified: true });
    expect(requests).toEqual([]);
  });

  it('accepts the size aliases and repo ids, and puts them in the Hub name folder', async () => {
    const got = await downloadPretrained('124M', options());
    expect(got.model.name).toBe('gpt2');
    expect(got.dir).toBe(join(cacheDir, 'gpt2'));
    const medium = await downloadPretrained('openai-community/gpt2-medium', options());
    expect(medium.dir).toBe(join(cacheDir, 'gpt2-medium'));
    expect(requests.some((r) => r.path === '/openai-community/gpt2-medium/resolve/main/model.safetensors')).toBe(true);
  });

  it('resumes with a Range request after the server drops the connection mid-body', async () => {
    behaviour.dropFirstAt = Math.floor(MODEL.length / 2);
    const got = await downloadPretrained('gpt2', options());
    expect(await sameBytes(got.weightsPath)).toBe(true);
    const cdn = modelRequests();
    expect(cdn).toHaveLength(2);
    expect(cdn[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(cdn[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(MODEL.length / 2);
    expect(got.files[1]).toMatchObject({ checksumVerified: true, sha256: MODEL_SHA });
  });

  it('keeps the partial file when it gives up, and the next call resumes it', async () => {
    behaviour.dropFirstAt = Math.floor(MODEL.length / 2);
    const err = await downloadPretrained('gpt2', options({ retries: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).kind).toBe('network');
    expect((err as Error).message).toMatch(/connection to 127\.0\.0\.1:\d+ lost after \d+ of \d+ bytes/);
    const partial = join(cacheDir, 'gpt2', 'model.safetensors.partial');
    const kept = (await readFile(partial)).length;
    expect(kept).toBeGreaterThan(0);
    expect(existsSync(join(cacheDir, 'gpt2', 'model.safetensors'))).toBe(false);

    const got = await downloadPretrained('gpt2', options({ retries: 0 }));
    expect(modelRequests().at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(await sameBytes(got.weightsPath)).toBe(true);
    expect(existsSync(partial)).toBe(false);
  });

  it('starts again when the server ignores the Range header (200)', async () => {
    behaviour.ignoreRange = true;
    const dir = join(cacheDir, 'gpt2');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.safetensors.partial'), new Uint8Array(1000).fill(7)); // wrong bytes
    await downloadPretrained('gpt2', options());
    expect(modelRequests()[0].range).toBe('bytes=1000-');
    expect(await sameBytes(join(dir, 'model.safetensors'))).toBe(true);
  });

  it('finishes a partial file that is already complete (416 from the server)', async () => {
    const dir = join(cacheDir, 'gpt2');
    await downloadPretrained('gpt2', options());
    await rm(join(dir, 'model.safetensors'));
    await rm(join(dir, '.model.safetensors.meta.json'));
    await writeFile(join(dir, 'model.safetensors.partial'), MODEL);
    requests = [];
    const got = await downloadPretrained('gpt2', options());
    expect(modelRequests()[0].range).toBe(`bytes=${MODEL.length}-`);
    expect(got.files[1]).toMatchObject({ cached: false, checksumVerified: true });
    expect(await sameBytes(got.weightsPath)).toBe(true);
  });

  it('rejects a checksum mismatch and leaves no file behind', async () => {
    behaviour.linkedEtag = 'f'.repeat(64);
    const err = await downloadPretrained('gpt2', options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).kind).toBe('checksum');
    expect((err as Error).message).toContain(`sha256 ${MODEL_SHA}, expected ${'f'.repeat(64)}; deleted the partial file`);
    expect((await readdir(join(cacheDir, 'gpt2'))).filter((f) => f.startsWith('model'))).toEqual([]);
    expect(modelRequests()).toHaveLength(1);
  });

  it('checks the sha256 the caller gives, over the one the Hub states', async () => {
    const err = await downloadPretrained('gpt2', options({ sha256: '0'.repeat(64) })).catch((e: unknown) => e);
    expect((err as DownloadError).kind).toBe('checksum');
    behaviour.linkedEtag = null;
    const got = await downloadPretrained('gpt2', options({ sha256: MODEL_SHA.toUpperCase() }));
    expect(got.files[1]).toMatchObject({ checksumVerified: true, sha256: MODEL_SHA });
  });

  it('rejects a body shorter than the stated size', async () => {
    behaviour.chunked = true;
    behaviour.linkedSize = MODEL.length + 10;
    const err = await downloadPretrained('gpt2', options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).kind).toBe('size');
    expect((err as Error).message).toContain(`received ${MODEL.length} bytes, expected ${MODEL.length + 10}`);
    expect((await readdir(join(cacheDir, 'gpt2'))).filter((f) => f.startsWith('model'))).toEqual([]);
  });

  it('rejects a Content-Length that disagrees with the size the Hub states', async () => {
    behaviour.cdnBody = MODEL.subarray(0, 1000);
    const err = await downloadPretrained('gpt2', options()).catch((e: unknown) => e);
    expect((err as DownloadError).kind).toBe('size');
    expect((err as Error).message).toContain(`the Hub states ${MODEL.length} bytes but the server sends 1000`);
    expect(existsSync(join(cacheDir, 'gpt2', 'model.safetensors'))).toBe(false);
  });

  it('tries again after a 503, but not after a 404', async () => {
    behaviour.failWith = [503];
    const got = await downloadPretrained('gpt2', options());
    expect(await sameBytes(got.weightsPath)).toBe(true);
    expect(modelRequests()).toHaveLength(2);

    behaviour.failWith = [404];
    requests = [];
    const err = await downloadPretrained('gpt2-large', options()).catch((e: unknown) => e);
    expect((err as DownloadError).kind).toBe('http');
    expect((err as Error).message).toContain('answered HTTP 404');
    expect((err as Error).message).toContain(`download the files by hand into ${join(cacheDir, 'gpt2-large')}:`);
    expect(modelRequests()).toHaveLength(1);
  });

  it('names the valid models for an unknown one, before any request', async () => {
    const err = await downloadPretrained('gpt3', options({ fetch: () => Promise.reject(new Error('no request expected')) })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnknownModelError);
    expect((err as Error).message).toBe(
      'unknown pretrained model "gpt3"; valid names: gpt2, 124M, gpt2-medium, 355M, gpt2-large, 774M, gpt2-xl, 1558M, smollm2-135m, smollm2-135m-instruct, smollm2-360m, smollm2-360m-instruct, llama-3.2-1b, llama-3.2-1b-instruct, qwen3-0.6b, gpt2-small',
    );
    expect(existsSync(join(cacheDir, 'gpt3'))).toBe(false);
  });

  it('says the server cannot be reached (offline?) and where to put the files by hand', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await downloadPretrained('gpt2-xl', options({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).kind).toBe('network');
    const message = (err as Error).message;
    expect(message).toContain(`could not reach 127.0.0.1:${port} (offline?): `);
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain(`— download the files by hand into ${join(cacheDir, 'gpt2-xl')}:\n`);
    expect(message).toContain(`http://127.0.0.1:${port}/openai-community/gpt2-xl/resolve/main/model.safetensors`);
  });

  it('stops on abort and keeps the partial file', async () => {
    behaviour.dropFirstAt = 20_000; // the server stalls after 20 kB and then cuts; we abort first
    const controller = new AbortController();
    const err = await downloadPretrained(
      'gpt2',
      options({
        signal: controller.signal,
        onProgress: (p) => {
          if (p.file === 'model.safetensors' && p.bytesDone > 0) controller.abort();
        },
      }),
    ).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(existsSync(join(cacheDir, 'gpt2', 'model.safetensors'))).toBe(false);
    expect(existsSync(join(cacheDir, 'gpt2', 'model.safetensors.partial'))).toBe(true);
  });

  it('trusts a file put in the cache by hand', async () => {
    const dir = join(cacheDir, 'gpt2');
    await downloadPretrained('gpt2', options());
    await rm(join(dir, '.model.safetensors.meta.json'));
    requests = [];
    const got = await downloadPretrained('gpt2', options());
    expect(got.files[1]).toMatchObject({ cached: true, checksumVerified: false, sha256: undefined });
    expect(requests).toEqual([]);
    // ... unless the caller's sha256 says it is wrong: then it is downloaded again.
    await writeFile(join(dir, 'model.safetensors'), MODEL.subarray(0, 100));
    await rm(join(dir, '.model.safetensors.meta.json'), { force: true });
    const fixed = await downloadPretrained('gpt2', options({ sha256: MODEL_SHA }));
    expect(fixed.files[1]).toMatchObject({ cached: false, checksumVerified: true });
    expect(await sameBytes(fixed.weightsPath)).toBe(true);
  });

  it('names config.json when it is not JSON or not a GPT-2 config', async () => {
    const dir = join(cacheDir, 'gpt2');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), '{"n_embd": 768,');
    await expect(downloadPretrained('gpt2', options())).rejects.toThrow(`${join(dir, 'config.json')} is not valid JSON`);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...JSON.parse(new TextDecoder().decode(CONFIG)), n_head: 7 }));
    await expect(downloadPretrained('gpt2', options())).rejects.toThrow(
      `config field "n_head": n_embd (32) must be divisible by n_head (7) (in ${join(dir, 'config.json')})`,
    );
  });

  it('defaults the cache to $LLM_CACHE_DIR', async () => {
    const saved = process.env.LLM_CACHE_DIR;
    process.env.LLM_CACHE_DIR = cacheDir;
    try {
      expect(await defaultCacheDir()).toBe(cacheDir);
      const got = await downloadPretrained('gpt2', { baseUrl, onProgress: false });
      expect(got.dir).toBe(join(cacheDir, 'gpt2'));
    } finally {
      if (saved === undefined) delete process.env.LLM_CACHE_DIR;
      else process.env.LLM_CACHE_DIR = saved;
    }
  });
});

describe('downloadFile', () => {
  it('rejects a size the caller gives that the server does not match', async () => {
    const dest = join(cacheDir, 'new', 'folder', 'm.safetensors');
    const url = `${baseUrl}/openai-community/gpt2/resolve/main/model.safetensors`;
    const err = await downloadFile(url, dest, { size: 123 }).catch((e: unknown) => e);
    expect((err as DownloadError).kind).toBe('size');
    expect((err as Error).message).toContain(`expected 123 bytes but the server sends ${MODEL.length}`);
    await expect(downloadFile(url, dest, { sha256: 'abc' })).rejects.toThrow('must be 64 hex digits, got "abc"');
    const ok = await downloadFile(url, dest, { size: MODEL.length });
    expect(ok).toMatchObject({ size: MODEL.length, path: dest, checksumVerified: true });
  });
});
