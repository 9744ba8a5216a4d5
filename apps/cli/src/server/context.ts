// What a route handler gets: the engine, the model's name, the response, and a signal that fires
// when the client goes away.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Engine } from './engine.js';
import { HttpError, write } from './http.js';

export interface RouteContext {
  engine: Engine;
  modelName: string;
  /** How /api/generate wraps prompts (raw: false): 'none' passes them through, 'alpaca' as an instruction. */
  promptTemplate: 'none' | 'alpaca';
  res: ServerResponse;
  signal: AbortSignal;
}

export const requestId = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

/** The names a request may use for the served model: its name, and Ollama's name:latest. */
export function checkModel(ctx: RouteContext, model: unknown, format: 'openai' | 'ollama'): void {
  if (model === undefined || model === null || model === '') return;
  if (typeof model !== 'string') throw new HttpError(400, "'model' must be a string", 'model');
  if (model === ctx.modelName || model === `${ctx.modelName}:latest`) return;
  throw new HttpError(404, format === 'ollama' ? `model "${model}" not found; this server has "${ctx.modelName}"` : `The model '${model}' does not exist; this server serves '${ctx.modelName}'`, 'model');
}

/** A streamed response: server-sent events (OpenAI) or one JSON object per line (Ollama). */
export function startStream(ctx: RouteContext, kind: 'sse' | 'ndjson'): { send(obj: unknown): Promise<void>; end(): Promise<void> } {
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
