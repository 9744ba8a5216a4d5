// HTTP helpers for downloads: following redirects by hand (the Hub's first answer, a 302 to its CDN,
// carries the file's sha256 and size in X-Linked-Etag / X-Linked-Size, which an automatic redirect
// would hide), parsing Content-Range, and describing fetch failures in words.

import { DownloadError } from './errors.js';

/** A fetch() to use instead of the global one; it must honour `redirect: 'manual'` as Node's does (real 3xx responses). */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface FollowedResponse {
  response: Response;
  /** The sha256 the Hub states for an LFS file (from X-Linked-Etag, or a 64-hex ETag), lower case. */
  sha256: string | undefined;
  /** The size the Hub states (X-Linked-Size), before any Range. */
  linkedSize: number | undefined;
}

const MAX_REDIRECTS = 10;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** fetch() that follows up to 10 redirects itself and collects the Hub's linked-file headers on the way. */
export async function fetchFollowing(fetchFn: FetchLike, url: string, init: RequestInit): Promise<FollowedResponse> {
  let current = url;
  let sha256: string | undefined;
  let linkedSize: number | undefined;
  for (let hop = 0; ; hop++) {
    const response = await fetchFn(current, { ...init, redirect: 'manual' });
    sha256 ??= sha256FromEtag(response.headers.get('x-linked-etag'));
    linkedSize ??= parseSize(response.headers.get('x-linked-size'));
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) {
      sha256 ??= sha256FromEtag(response.headers.get('etag'));
      return { response, sha256, linkedSize };
    }
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new DownloadError(`too many redirects fetching ${url}`, 'http', url);
    current = new URL(location, current).toString();
  }
}

/** `"abc…"` or `W/"abc…"` → the hex string, when it is a sha256; otherwise undefined (git sha1s, S3 md5s). */
export function sha256FromEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  const bare = etag.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return SHA256_HEX.test(bare) ? bare : undefined;
}

export function parseSize(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  const n = Number(header.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

// "bytes 100-199/1000" → { start: 100, end: 199, total: 1000 }; a 416's "bytes */1000" → { total: 1000 }.
export function parseContentRange(header: string | null): { start?: number; end?: number; total?: number } | undefined {
  const m = header?.trim().match(/^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i);
  if (!m) return undefined;
  return {
    start: m[1] === undefined ? undefined : Number(m[1]),
    end: m[2] === undefined ? undefined : Number(m[2]),
    total: m[3] === '*' ? undefined : Number(m[3]),
  };
}

/** The innermost reason of a fetch failure: Node's fetch says "fetch failed" and puts the cause below. */
export function describeFetchError(e: unknown): string {
  let err = e as { message?: string; cause?: unknown; code?: string } | undefined;
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  const message = err?.message ?? String(e);
  return err?.code && !message.includes(err.code) ? `${err.code} ${message}` : message;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Statuses worth trying again: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
