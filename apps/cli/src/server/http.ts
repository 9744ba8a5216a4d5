// Small HTTP helpers: JSON bodies with a size limit, JSON replies, errors that carry a status, and
// writes that wait for a slow client instead of buffering without bound.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request field at fault, for OpenAI-style errors. */
    readonly param?: string,
    /** OpenAI's error code ('model_not_found', 'invalid_api_key'). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The request body parsed as a JSON object; 415 unless it is declared JSON, 413 past `limit` bytes, 400 for anything but a JSON object. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  // a browser may send text/plain or a form cross-origin without asking first; JSON it must ask for
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `the request body must be JSON sent with 'Content-Type: application/json', got ${type ? `'${type}'` : 'no Content-Type'}`);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new HttpError(413, `request body of ${declared} bytes is larger than the limit of ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new HttpError(400, 'the request body is empty; send a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes a chunk; when the client reads slowly, waits until its buffer drains (or it goes away). */
export async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return;
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
