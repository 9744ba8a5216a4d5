// Downloading one file (Node): into `<dest>.partial`, resumed with a Range request after a failure,
// checked against the size and sha256 the server states (or the caller gives), and renamed to
// `dest` only when complete and verified. A small `.<name>.meta.json` next to it records what was
// verified, so the next call skips the download without touching the network.

import type { Hash } from 'node:crypto';
import { DownloadError } from './errors.js';
import { describeFetchError, fetchFollowing, hostOf, isRetryableStatus, parseContentRange, parseSize, type FetchLike } from './http.js';
import { nodeModules, tempPathFor } from './node.js';
import { ProgressTracker, type ProgressCallback } from './progress.js';

export interface DownloadFileOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Expected sha256 (hex); otherwise the one the Hub states, if any. */
  sha256?: string;
  /** Expected size in bytes; otherwise the one the server states, if any. */
  size?: number;
  /** Tries after the first, on network errors and 408/429/5xx, each resuming what is on disk (default 3). */
  retries?: number;
  /** Wait before try k is k × this (default 1000 ms). */
  retryDelayMs?: number;
}

export interface DownloadedFile {
  url: string;
  path: string;
  size: number;
  /** sha256 of the bytes on disk (undefined for a file found in the cache without a record). */
  sha256: string | undefined;
  /** Whether the sha256 matched a known value (the caller's or the Hub's) rather than only being computed. */
  checksumVerified: boolean;
  /** True when the file was already there and nothing was downloaded. */
  cached: boolean;
}

interface MetaRecord {
  url: string;
  size: number;
  sha256: string;
  checksumVerified: boolean;
}

/** Downloads `url` to `dest` (see the file comment); returns what is on disk. */
export async function downloadFile(url: string, dest: string, opts: DownloadFileOptions = {}): Promise<DownloadedFile> {
  const expectedSha = opts.sha256?.trim().toLowerCase();
  if (expectedSha !== undefined && !/^[0-9a-f]{64}$/.test(expectedSha)) {
    throw new DownloadError(`sha256 for ${url} must be 64 hex digits, got "${opts.sha256}"`, 'checksum', url);
  }
  const cached = await fromCache(url, dest, opts.size, expectedSha);
  if (cached) return cached;
  const { fs, path } = await nodeModules();
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptDownload(url, dest, { ...opts, sha256: expectedSha });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!(e instanceof DownloadError && e.retryable) || attempt >= retries) throw e;
      await sleep((attempt + 1) * (opts.retryDelayMs ?? 1000), opts.signal);
    }
  }
}

async function attemptDownload(url: string, dest: string, opts: DownloadFileOptions): Promise<DownloadedFile> {
  const { fs, crypto } = await nodeModules();
  const partial = `${dest}.partial`;
  const fetchFn: FetchLike = opts.fetch ?? ((u, init) => fetch(u, init));
  let have = await sizeOf(partial);
  if (opts.size !== undefined && have > opts.size) have = 0;

  let followed;
  try {
    followed = await fetchFollowing(fetchFn, url, {
      // Byte ranges only make sense on the identity encoding.
      headers: have > 0 ? { Range: `bytes=${have}-`, 'Accept-Encoding': 'identity' } : { 'Accept-Encoding': 'identity' },
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DownloadError || opts.signal?.aborted) throw e;
    throw new DownloadError(`could not reach ${hostOf(url)} (offline?): ${describeFetchError(e)}`, 'network', url, { cause: e, retryable: true });
  }
  const { response, linkedSize } = followed;
  const expectedSha = opts.sha256 ?? followed.sha256;

  if (response.status === 416 && have > 0) {
    // The range starts at or past the end: the partial file is complete, or longer than the file.
    const total = parseContentRange(response.headers.get('content-range'))?.total ?? linkedSize;
    await response.body?.cancel();
    if (total === have) return finish(url, dest, have, await hashFile(partial, crypto.createHash('sha256')), expectedSha, opts);
    await fs.rm(partial, { force: true });
    throw new DownloadError(`${partial} was longer than the file on the server; starting again`, 'size', url, { retryable: true });
  }
  if (!response.ok) {
    await response.body?.cancel();
    const message = `${hostOf(url)} answered HTTP ${response.status} ${response.statusText} for ${url}`;
    throw new DownloadError(message, 'http', url, { retryable: isRetryableStatus(response.status) });
  }

  let resumeFrom = 0;
  let serverTotal: number | undefined;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range?.start !== have) {
      await response.body?.cancel();
      await fs.rm(partial, { force: true });
      const got = response.headers.get('content-range');
      throw new DownloadError(`server sent range ${got} for a request from byte ${have}; starting again`, 'http', url, { retryable: true });
    }
    resumeFrom = have;
    serverTotal = range.total;
  } else {
    // 200: the server ignored the Range header (or none was sent); start from byte 0.
    const length = parseSize(response.headers.get('content-length'));
    serverTotal = length === undefined || response.headers.get('content-encoding') ? undefined : length;
  }
  if (linkedSize !== undefined && serverTotal !== undefined && linkedSize !== serverTotal) {
    await response.body?.cancel();
    throw new DownloadError(`size mismatch for ${url}: the Hub states ${linkedSize} bytes but the server sends ${serverTotal}`, 'size', url);
  }
  const total = opts.size ?? linkedSize ?? serverTotal;
  if (opts.size !== undefined && serverTotal !== undefined && serverTotal !== opts.size) {
    await response.body?.cancel();
    throw new DownloadError(`size mismatch for ${url}: expected ${opts.size} bytes but the server sends ${serverTotal}`, 'size', url);
  }

  const hash = crypto.createHash('sha256');
  if (resumeFrom > 0) await hashFile(partial, hash);
  const tracker = new ProgressTracker(baseName(dest), url, opts.onProgress ?? (() => {}));
  tracker.start(resumeFrom, total);
  let done = resumeFrom;
  const handle = await fs.open(partial, resumeFrom > 0 ? 'a' : 'w');
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        hash.update(chunk);
        done += chunk.byteLength;
        if (total !== undefined && done > total) break;
        tracker.update(done);
      }
    }
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const of = total === undefined ? '' : ` of ${total}`;
    throw new DownloadError(
      `connection to ${hostOf(url)} lost after ${done}${of} bytes of ${url}: ${describeFetchError(e)} (${partial} is kept to resume)`,
      'network',
      url,
      { cause: e, retryable: true },
    );
  } finally {
    await handle.close();
  }
  if (total !== undefined && done !== total) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(`size mismatch for ${url}: received ${done} bytes, expected ${total}; deleted the partial file`, 'size', url);
  }
  const result = await finish(url, dest, done, hash.digest('hex'), expectedSha, opts);
  tracker.finish(done);
  return result;
}

/** Checks the checksum, moves the partial file into place and records it. */
async function finish(
  url: string,
  dest: string,
  size: number,
  sha256: string,
  expectedSha: string | undefined,
  opts: DownloadFileOptions,
): Promise<DownloadedFile> {
  const { fs } = await nodeModules();
  const partial = `${dest}.partial`;
  if (opts.size !== undefined && size !== opts.size) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(`size mismatch for ${url}: got ${size} bytes, expected ${opts.size}; deleted the partial file`, 'size', url);
  }
  if (expectedSha !== undefined && sha256 !== expectedSha) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(
      `checksum mismatch for ${url}: sha256 ${sha256}, expected ${expectedSha}; deleted the partial file`,
      'checksum',
      url,
    );
  }
  await fs.rename(partial, dest);
  const meta: MetaRecord = { url, size, sha256, checksumVerified: expectedSha !== undefined };
  await writeJsonAtomic(metaPath(dest), meta);
  return { url, path: dest, size, sha256, checksumVerified: meta.checksumVerified, cached: false };
}

/**
 * The file already in place: accepted when its record matches it (and the caller's size/sha256),
 * or, without a record, when it matches the caller's size (a file put there by hand is trusted).
 */
async function fromCache(url: string, dest: string, size: number | undefined, sha256: string | undefined): Promise<DownloadedFile | undefined> {
  const { fs } = await nodeModules();
  const actual = await fs.stat(dest).then(
    (s) => s.size,
    () => undefined,
  );
  if (actual === undefined || (size !== undefined && actual !== size)) return undefined;
  const meta = await fs.readFile(metaPath(dest), 'utf8').then(
    (text) => JSON.parse(text) as MetaRecord,
    () => undefined,
  );
  if (meta) {
    if (meta.size !== actual || (sha256 !== undefined && meta.sha256 !== sha256)) return undefined;
    return { url, path: dest, size: actual, sha256: meta.sha256, checksumVerified: meta.checksumVerified || sha256 !== undefined, cached: true };
  }
  if (sha256 !== undefined) {
    const { crypto } = await nodeModules();
    if ((await hashFile(dest, crypto.createHash('sha256'))) !== sha256) return undefined;
    return { url, path: dest, size: actual, sha256, checksumVerified: true, cached: true };
  }
  return { url, path: dest, size: actual, sha256: undefined, checksumVerified: false, cached: true };
}

function metaPath(dest: string): string {
  const name = baseName(dest);
  return `${dest.slice(0, dest.length - name.length)}.${name}.meta.json`;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

async function sizeOf(path: string): Promise<number> {
  const { fs } = await nodeModules();
  return fs.stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Feeds a file through `hash` and returns the hex digest so far (without finalizing a caller's hash). */
async function hashFile(path: string, hash: Hash): Promise<string> {
  const { fs } = await nodeModules();
  const handle = await fs.open(path, 'r');
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.copy().digest('hex');
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const { fs } = await nodeModules();
  const tmp = tempPathFor(path);
  await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(tmp, path);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
