// Ollama's API: POST /api/generate and /api/chat (a JSON object per line while streaming, the
// default, or one object with stream: false), GET /api/tags and /api/version. The book's
// instruction judge (and @llm/finetune's) talks to /api/chat.
import pkg from '../../package.json';
import type { GenerationResult } from '../generation.js';
import { ALPACA_STOP, chatPrompt } from '../prompt.js';
import { checkModel, type RouteContext, startStream } from './context.js';
import { HttpError, sendJson } from './http.js';
import { chatMessages, optionalBoolean, optionalNumber, optionalString, stopSequences } from './params.js';

type Body = Record<string, unknown>;

export function version(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { version: pkg.version });
}

export function tags(ctx: RouteContext): void {
  const { config } = ctx.engine.model;
  const params = ctx.engine.model.parameters().reduce((n, p) => n + p.size, 0);
  sendJson(ctx.res, 200, {
    models: [{
      name: ctx.modelName, model: ctx.modelName, modified_at: new Date(0).toISOString(), size: params * 4, digest: '',
      details: { format: 'safetensors', family: 'gpt2', families: ['gpt2'], parameter_size: `${(params / 1e6).toFixed(1)}M`, quantization_level: 'F32', context_length: config.contextLength },
    }],
  });
}

/** `options` with Ollama's defaults; num_predict -1 (or -2) means as many as the server allows. */
function sampling(ctx: RouteContext, body: Body) {
  const o = body.options ?? {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new HttpError(400, "'options' must be an object");
  const opts = o as Body;
  const numPredict = optionalNumber(opts, 'num_predict', { integer: true, min: -2 }, 'options.') ?? 128;
  const topK = optionalNumber(opts, 'top_k', { integer: true, min: 0 }, 'options.') ?? 40;
  return {
    maxTokens: numPredict < 0 ? ctx.engine.maxTokens : Math.max(1, numPredict),
    temperature: optionalNumber(opts, 'temperature', { min: 0 }, 'options.') ?? 0.8,
    topK: topK > 0 ? topK : undefined,
    topP: optionalNumber(opts, 'top_p', { above: 0, max: 1 }, 'options.') ?? 0.9,
    seed: optionalNumber(opts, 'seed', { integer: true, min: 0 }, 'options.'),
    stop: stopSequences(opts, 'stop', 16, 'options.'),
  };
}

const ns = (seconds: number) => Math.round(seconds * 1e9);

function timings(r: GenerationResult) {
  return {
    done_reason: r.finishReason === 'length' ? 'length' : 'stop',
    total_duration: ns(r.seconds), load_duration: 0,
    prompt_eval_count: r.promptTokens, prompt_eval_duration: ns(r.promptSeconds),
    eval_count: r.completionTokens, eval_duration: ns(r.seconds - r.promptSeconds),
  };
}

export async function generate(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const prompt = optionalString(body, 'prompt') ?? '';
  const system = optionalString(body, 'system');
  const raw = optionalBoolean(body, 'raw') ?? false;
  const stream = optionalBoolean(body, 'stream') ?? true;
  const params = sampling(ctx, body);
  const created_at = () => new Date().toISOString();
  if (!prompt) {
    // an empty prompt only loads the model, as in Ollama
    sendJson(ctx.res, 200, { model: ctx.modelName, created_at: created_at(), response: '', done: true, done_reason: 'load' });
    return;
  }
  const templated = !raw && ctx.promptTemplate === 'alpaca';
  const text = templated
    ? chatPrompt([...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }])
    : (system && !raw ? `${system}\n\n${prompt}` : prompt);
  const ids = ctx.engine.encode(text);
  ctx.engine.admit(params.maxTokens, 'options.num_predict');
  const gen = { ...params, stop: templated ? [...params.stop, ALPACA_STOP] : params.stop, prompt: ids, signal: ctx.signal };

  if (!stream) {
    const r = await ctx.engine.generate('/api/generate', gen);
    if (r.finishReason === 'aborted') return;
    sendJson(ctx.res, 200, { model: ctx.modelName, created_at: created_at(), response: templated ? r.text.trim() : r.text, done: true, ...timings(r) });
    return;
  }
  const out = startStream(ctx, 'ndjson');
  let started = !templated;
  const r = await ctx.engine.generate('/api/generate', {
    ...gen,
    onText: (t) => {
      const piece = started ? t : t.trimStart();
      if (!piece) return;
      started = true;
      return out.send({ model: ctx.modelName, created_at: created_at(), response: piece, done: false });
    },
  });
  if (r.finishReason === 'aborted') return;
  await out.send({ model: ctx.modelName, created_at: created_at(), response: '', done: true, ...timings(r) });
  await out.end();
}

export async function chat(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const messages = chatMessages(body);
  const stream = optionalBoolean(body, 'stream') ?? true;
  const params = sampling(ctx, body);
  const ids = ctx.engine.encode(chatPrompt(messages), 'messages');
  ctx.engine.admit(params.maxTokens, 'options.num_predict');
  const created_at = () => new Date().toISOString();
  const gen = { ...params, stop: [...params.stop, ALPACA_STOP], prompt: ids, signal: ctx.signal };
  const message = (content: string) => ({ role: 'assistant', content });

  if (!stream) {
    const r = await ctx.engine.generate('/api/chat', gen);
    if (r.finishReason === 'aborted') return;
    sendJson(ctx.res, 200, { model: ctx.modelName, created_at: created_at(), message: message(r.text.trim()), done: true, ...timings(r) });
    return;
  }
  const out = startStream(ctx, 'ndjson');
  let started = false;
  const r = await ctx.engine.generate('/api/chat', {
    ...gen,
    onText: (t) => {
      const piece = started ? t : t.trimStart();
      if (!piece) return;
      started = true;
      return out.send({ model: ctx.modelName, created_at: created_at(), message: message(piece), done: false });
    },
  });
  if (r.finishReason === 'aborted') return;
  await out.send({ model: ctx.modelName, created_at: created_at(), message: message(''), done: true, ...timings(r) });
  await out.end();
}
