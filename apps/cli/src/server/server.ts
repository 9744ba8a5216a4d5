// `llm serve`: a model over HTTP with OpenAI's and Ollama's APIs, on node:http. Every request is
// first checked by the RequestGuard (Host, Origin, API key: see security.ts), then routed; bodies
// must be JSON (415 otherwise, 413 past the limit, 400 with a JSON error naming the field); slow or
// half-sent requests time out. Generations run batched (engine.ts), tokens are streamed as they
// come, and a client that disconnects stops its generation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Encoding } from '@llm/tokenizer';
import type { RouteContext } from './context.js';
import { Engine, type GenerationEvent, type ServedModel } from './engine.js';
import { HttpError, readJson, sendJson } from './http.js';
import * as ollama from './ollama.js';
import * as openai from './openai.js';
import { RequestGuard, type SecurityOptions } from './security.js';

export interface ServerOptions extends SecurityOptions {
  model: ServedModel;
  tokenizer: Encoding;
  /** The name clients use in "model" (and /v1/models, /api/tags list). */
  modelName: string;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Most new tokens one request may ask for (default: the model's context length). */
  maxTokens?: number;
  /** Requests under way or waiting at most; more get 503 (default 64). */
  maxQueue?: number;
  /** Sequences decoded together at most (default 16); 1: one request at a time. */
  maxBatch?: number;
  /** How /api/generate wraps a prompt that is not raw: 'none' (default) or 'alpaca' (an instruction-tuned model). */
  promptTemplate?: 'none' | 'alpaca';
  /** The model's own chat template for the chat endpoints (messages → prompt ids); without one they use the Alpaca prompt. */
  chatTemplate?: RouteContext['chatTemplate'];
  /** Milliseconds to receive a whole request (default 30 000) and its headers (default 10 000); idle keep-alive connections close after keepAliveMs (default 5000). */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  keepAliveMs?: number;
  /** One line per request (method, path, status, seconds). */
  log?: (line: string) => void;
  /** Called after each generated token, and when a generation ends (finishReason 'aborted' when its client left). */
  onToken?: () => void;
  onGeneration?: (e: GenerationEvent) => void;
  /** Called after each batched decoding step with its batch size. */
  onStep?: (batchSize: number) => void;
}

type Handler = (ctx: RouteContext, body: Record<string, unknown>) => void | Promise<void>;
interface Route { method: 'GET' | 'POST'; handler: Handler; api: 'openai' | 'ollama' }

const routes: Record<string, Route> = {
  '/v1/models': { method: 'GET', handler: openai.listModels, api: 'openai' },
  '/v1/completions': { method: 'POST', handler: openai.completions, api: 'openai' },
  '/v1/chat/completions': { method: 'POST', handler: openai.chatCompletions, api: 'openai' },
  '/v1/embeddings': { method: 'POST', handler: openai.embeddings, api: 'openai' },
  '/api/generate': { method: 'POST', handler: ollama.generate, api: 'ollama' },
  '/api/chat': { method: 'POST', handler: ollama.chat, api: 'ollama' },
  '/api/embed': { method: 'POST', handler: ollama.embed, api: 'ollama' },
  '/api/embeddings': { method: 'POST', handler: ollama.embeddings, api: 'ollama' },
  '/api/show': { method: 'POST', handler: ollama.show, api: 'ollama' },
  '/api/tags': { method: 'GET', handler: ollama.tags, api: 'ollama' },
  '/api/ps': { method: 'GET', handler: ollama.ps, api: 'ollama' },
  '/api/version': { method: 'GET', handler: ollama.version, api: 'ollama' },
};
/** Routes with a parameter after the prefix. */
const prefixRoutes: Record<string, Route> = {
  '/v1/models/': { method: 'GET', handler: openai.retrieveModel, api: 'openai' },
};

function findRoute(path: string): { route?: Route; rest: string } {
  if (Object.hasOwn(routes, path)) return { route: routes[path], rest: '' };
  for (const [prefix, route] of Object.entries(prefixRoutes)) {
    if (path.startsWith(prefix) && path.length > prefix.length) {
      let rest: string;
      try {
        rest = decodeURIComponent(path.slice(prefix.length));
      } catch {
        throw new HttpError(400, `the path ${path} is not valid percent-encoding`);
      }
      return { route, rest };
    }
  }
  return { rest: '' };
}

/** Each API's error shape: OpenAI's { error: { message, type, param, code } }, Ollama's { error }. */
function errorBody(api: 'openai' | 'ollama', e: HttpError): unknown {
  if (api === 'ollama') return { error: e.message };
  const type = e.status === 404 ? 'not_found_error' : e.status === 401 ? 'authentication_error' : e.status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message: e.message, type, param: e.param ?? null, code: e.code ?? null } };
}

export function createServer(opts: ServerOptions): http.Server {
  const engine = new Engine(opts.model, opts.tokenizer, { maxTokens: opts.maxTokens, maxQueue: opts.maxQueue, maxBatch: opts.maxBatch, onToken: opts.onToken, onGeneration: opts.onGeneration, onStep: opts.onStep });
  const guard = new RequestGuard(opts);
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;

  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout),
    keepAliveTimeout: opts.keepAliveMs ?? 5000,
    // how often Node looks for requests past their timeouts (its default, 30 s, is coarser than the timeouts)
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
  }, async (req, res) => {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    const api = path.startsWith('/api/') ? 'ollama' : 'openai';
    // a client that goes away stops its generation
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
      guard.check(req, res, server.address() as AddressInfo | null);
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`llm serve is running: ${opts.modelName}\n`);
        return;
      }
      const { route, rest } = findRoute(path);
      if (!route) throw new HttpError(404, `no such endpoint: ${req.method} ${path}; see /v1/models, /v1/completions, /v1/chat/completions, /v1/embeddings, /api/generate, /api/chat, /api/embed, /api/show, /api/tags, /api/ps`);
      if (req.method !== route.method) {
        res.setHeader('Allow', route.method);
        throw new HttpError(405, `${path} takes ${route.method} requests, not ${req.method}`);
      }
      const body = route.method === 'POST' ? await readJson(req, maxBody) : {};
      await route.handler({ engine, modelName: opts.modelName, promptTemplate: opts.promptTemplate ?? 'none', chatTemplate: opts.chatTemplate, res, signal: controller.signal, rest }, body);
    } catch (e) {
      if (controller.signal.aborted) return; // nobody to answer
      const err = e instanceof HttpError ? e : new HttpError(500, `internal error: ${(e as Error).message}`);
      if (!(e instanceof HttpError)) opts.log?.(`error in ${req.method} ${path}: ${(e as Error).stack ?? e}`);
      if (res.headersSent) {
        // a stream already under way: end it with the error as its last message
        res.end(api === 'openai' ? `data: ${JSON.stringify(errorBody(api, err))}\n\n` : `${JSON.stringify(errorBody(api, err))}\n`);
        return;
      }
      // a refused or unread body (401, 403, 413, 415) is not drained: close the connection instead
      const unread = !req.complete;
      sendJson(res, err.status, errorBody(api, err), unread ? { Connection: 'close' } : {});
    }
  });
  return server;
}
