// `llm serve`: a model over HTTP with OpenAI's and Ollama's APIs, on node:http. Requests are
// checked (400 with a JSON error, 413 past the body limit, 404 for unknown paths and models), then
// generations run one at a time; tokens are streamed as they come, the event loop turns between
// tokens, and a client that disconnects stops its generation.
import http from 'node:http';
import type { GPTModel } from '@llm/gpt';
import type { Encoding } from '@llm/tokenizer';
import { Engine, type GenerationEvent } from './engine.js';
import type { RouteContext } from './context.js';
import { HttpError, readJson, sendJson } from './http.js';
import * as ollama from './ollama.js';
import * as openai from './openai.js';

export interface ServerOptions {
  model: GPTModel;
  tokenizer: Encoding;
  /** The name clients use in "model" (and /v1/models, /api/tags list). */
  modelName: string;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Most new tokens one request may ask for (default: the model's context length). */
  maxTokens?: number;
  /** Requests waiting or running at most; more get 503 (default 64). */
  maxQueue?: number;
  /** How /api/generate wraps a prompt that is not raw: 'none' (default) or 'alpaca' (an instruction-tuned model). */
  promptTemplate?: 'none' | 'alpaca';
  /** One line per request (method, path, status, tokens, seconds). */
  log?: (line: string) => void;
  /** Called after each generated token, and when a generation ends (finishReason 'aborted' when its client left). */
  onToken?: () => void;
  onGeneration?: (e: GenerationEvent) => void;
}

type Handler = (ctx: RouteContext, body: Record<string, unknown>) => void | Promise<void>;

const routes: Record<string, { method: 'GET' | 'POST'; handler: Handler; api: 'openai' | 'ollama' }> = {
  '/v1/models': { method: 'GET', handler: openai.listModels, api: 'openai' },
  '/v1/completions': { method: 'POST', handler: openai.completions, api: 'openai' },
  '/v1/chat/completions': { method: 'POST', handler: openai.chatCompletions, api: 'openai' },
  '/api/generate': { method: 'POST', handler: ollama.generate, api: 'ollama' },
  '/api/chat': { method: 'POST', handler: ollama.chat, api: 'ollama' },
  '/api/tags': { method: 'GET', handler: ollama.tags, api: 'ollama' },
  '/api/version': { method: 'GET', handler: ollama.version, api: 'ollama' },
};

/** Each API's error shape: OpenAI's { error: { message, type, param, code } }, Ollama's { error }. */
function errorBody(api: 'openai' | 'ollama', e: HttpError): unknown {
  if (api === 'ollama') return { error: e.message };
  const type = e.status === 404 ? 'not_found_error' : e.status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message: e.message, type, param: e.param ?? null, code: e.status === 404 && e.param === 'model' ? 'model_not_found' : null } };
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type, Authorization', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' };

export function createServer(opts: ServerOptions): http.Server {
  const engine = new Engine(opts.model, opts.tokenizer, { maxTokens: opts.maxTokens, maxQueue: opts.maxQueue, onToken: opts.onToken, onGeneration: opts.onGeneration });
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;

  return http.createServer(async (req, res) => {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    const api = route?.api ?? (path.startsWith('/api/') ? 'ollama' : 'openai');
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    // a client that goes away stops its generation (and frees the queue)
    const controller = new AbortController();
    res.on('close', () => {
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      if (res.writableFinished) opts.log?.(`${req.method} ${path} ${res.statusCode} ${seconds}s`);
      else {
        controller.abort(new Error('client disconnected'));
        opts.log?.(`${req.method} ${path} ${res.statusCode} ${seconds}s (the client disconnected)`);
      }
    });

    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`llm serve is running: ${opts.modelName}\n`);
        return;
      }
      if (!route) throw new HttpError(404, `no such endpoint: ${req.method} ${path}; see /v1/models, /v1/completions, /v1/chat/completions, /api/generate, /api/chat, /api/tags`);
      if (req.method !== route.method) {
        res.setHeader('Allow', route.method);
        throw new HttpError(405, `${path} takes ${route.method} requests, not ${req.method}`);
      }
      const body = route.method === 'POST' ? await readJson(req, maxBody) : {};
      await route.handler({ engine, modelName: opts.modelName, promptTemplate: opts.promptTemplate ?? 'none', res, signal: controller.signal }, body);
    } catch (e) {
      if (controller.signal.aborted) return; // nobody to answer
      const err = e instanceof HttpError ? e : new HttpError(500, `internal error: ${(e as Error).message}`);
      if (!(e instanceof HttpError)) opts.log?.(`error in ${req.method} ${path}: ${(e as Error).stack ?? e}`);
      if (res.headersSent) {
        // a stream already under way: end it with the error as its last message
        res.end(api === 'openai' ? `data: ${JSON.stringify(errorBody(api, err))}\n\n` : `${JSON.stringify(errorBody(api, err))}\n`);
        return;
      }
      // after 413 the rest of the body is not read: close the connection instead of draining it
      sendJson(res, err.status, errorBody(api, err), err.status === 413 ? { Connection: 'close' } : {});
    }
  });
}
