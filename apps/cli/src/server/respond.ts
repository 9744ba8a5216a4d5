// The one way a generation is answered, for all four generating endpoints: either one JSON
// reply when it is done, or a stream (server-sent events for OpenAI, JSON lines for Ollama) of an
// opening, a chunk per piece of text, and a closing. The endpoints differ only in the shapes of
// those objects.
import type { GenerationRequest, GenerationResult } from '../generation.js';
import type { RouteContext } from './context.js';
import { sendJson, write } from './http.js';

export interface ReplySpec {
  endpoint: string;
  /** Stream the answer as it is generated, in this format; false: one JSON reply. */
  stream: 'sse' | 'ndjson' | false;
  gen: Omit<GenerationRequest, 'prompt' | 'signal' | 'onText' | 'source'> & { prompt: number[] };
  /** The answer starts at its first non-blank character (after a template's "### Response:"); not streamed, it is trimmed. */
  trim?: boolean;
  /** Streamed: what goes before the first piece. */
  opening?: unknown[];
  /** Streamed: the chunk that carries one piece of the text. */
  piece(text: string): unknown;
  /** Streamed: what goes after the last piece. */
  closing(r: GenerationResult): unknown[];
  /** Not streamed: the one reply, given the whole answer. */
  whole(r: GenerationResult, text: string): unknown;
}

export async function reply(ctx: RouteContext, spec: ReplySpec): Promise<void> {
  const gen = { ...spec.gen, signal: ctx.signal };
  if (!spec.stream) {
    const r = await ctx.engine.generate(spec.endpoint, gen);
    if (r.finishReason === 'aborted') return;
    sendJson(ctx.res, 200, spec.whole(r, spec.trim ? r.text.trim() : r.text));
    return;
  }
  const out = startStream(ctx, spec.stream);
  for (const chunk of spec.opening ?? []) await out.send(chunk);
  let started = !spec.trim;
  const r = await ctx.engine.generate(spec.endpoint, {
    ...gen,
    onText: (t) => {
      const text = started ? t : t.trimStart();
      if (!text) return;
      started = true;
      return out.send(spec.piece(text));
    },
  });
  if (r.finishReason === 'aborted') return;
  for (const chunk of spec.closing(r)) await out.send(chunk);
  await out.end();
}

/** A streamed response: server-sent events (OpenAI) or one JSON object per line (Ollama). */
function startStream(ctx: RouteContext, kind: 'sse' | 'ndjson'): { send(obj: unknown): Promise<void>; end(): Promise<void> } {
  ctx.res.writeHead(200, kind === 'sse'
    ? { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' }
    : { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-cache' });
  ctx.res.flushHeaders();
  return {
    send: (obj) => write(ctx.res, kind === 'sse' ? `data: ${JSON.stringify(obj)}\n\n` : `${JSON.stringify(obj)}\n`),
    end: async () => {
      if (kind === 'sse') await write(ctx.res, 'data: [DONE]\n\n');
      ctx.res.end();
    },
  };
}
