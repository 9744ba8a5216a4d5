// OpenAI's API: GET /v1/models, POST /v1/completions and /v1/chat/completions, with streaming by
// server-sent events (stream: true) ending in "data: [DONE]".
import { ALPACA_STOP, chatPrompt } from '../prompt.js';
import type { GenerationResult } from '../generation.js';
import { checkModel, requestId, type RouteContext, startStream } from './context.js';
import { HttpError, sendJson } from './http.js';
import { chatMessages, optionalBoolean, optionalNumber, stopSequences } from './params.js';

type Body = Record<string, unknown>;

export function listModels(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { object: 'list', data: [{ id: ctx.modelName, object: 'model', created: 0, owned_by: 'llm' }] });
}

/** Sampling fields shared by both endpoints, with OpenAI's defaults. */
function sampling(body: Body, maxTokensField: string) {
  if (optionalNumber(body, 'n', { integer: true, min: 1 }) !== undefined && body.n !== 1) throw new HttpError(400, "'n' must be 1: this server generates one choice per request", 'n');
  const topK = optionalNumber(body, 'top_k', { integer: true, min: -1 });
  return {
    maxTokens: optionalNumber(body, maxTokensField, { integer: true, min: 1 }) ?? 16,
    temperature: optionalNumber(body, 'temperature', { min: 0, max: 2 }) ?? 1,
    topP: optionalNumber(body, 'top_p', { above: 0, max: 1 }),
    topK: topK !== undefined && topK > 0 ? topK : undefined, // an extension (vLLM has it); 0 and -1 mean off
    seed: optionalNumber(body, 'seed', { integer: true, min: 0 }),
    stop: stopSequences(body, 'stop', 4),
  };
}

/** prompt: a string, token ids, or a list holding one of those. */
function completionPrompt(body: Body): string | number[] {
  let p = body.prompt;
  if (Array.isArray(p) && p.length === 1 && (typeof p[0] === 'string' || Array.isArray(p[0]))) p = p[0];
  if (typeof p === 'string') return p;
  if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'number')) return p as number[];
  if (Array.isArray(p) && p.length > 1) throw new HttpError(400, "'prompt' may hold one prompt only: send one request per prompt", 'prompt');
  throw new HttpError(400, "'prompt' must be a string or a list of token ids", 'prompt');
}

function usage(r: GenerationResult) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}

const finish = (r: GenerationResult) => (r.finishReason === 'length' ? 'length' : 'stop');

export async function completions(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'openai');
  const prompt = completionPrompt(body);
  const params = sampling(body, 'max_tokens');
  const stream = optionalBoolean(body, 'stream') ?? false;
  const echo = optionalBoolean(body, 'echo') ?? false;
  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const ids = ctx.engine.encode(prompt);
  ctx.engine.admit(params.maxTokens);
  const id = requestId('cmpl');
  const created = Math.floor(Date.now() / 1000);
  const echoed = echo ? (typeof prompt === 'string' ? prompt : ctx.engine.tokenizer.decode(prompt)) : '';
  const base = { id, object: 'text_completion', created, model: ctx.modelName };

  if (!stream) {
    const r = await ctx.engine.generate('/v1/completions', { ...params, prompt: ids, signal: ctx.signal });
    if (r.finishReason === 'aborted') return;
    sendJson(ctx.res, 200, { ...base, choices: [{ text: echoed + r.text, index: 0, logprobs: null, finish_reason: finish(r) }], usage: usage(r) });
    return;
  }
  const out = startStream(ctx, 'sse');
  const chunk = (text: string, finishReason: string | null) => ({ ...base, choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }] });
  if (echoed) await out.send(chunk(echoed, null));
  const r = await ctx.engine.generate('/v1/completions', { ...params, prompt: ids, signal: ctx.signal, onText: (t) => out.send(chunk(t, null)) });
  if (r.finishReason === 'aborted') return;
  await out.send(chunk('', finish(r)));
  if (includeUsage) await out.send({ ...base, choices: [], usage: usage(r) });
  await out.end();
}

export async function chatCompletions(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'openai');
  const messages = chatMessages(body);
  const maxField = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const params = sampling(body, maxField);
  const stream = optionalBoolean(body, 'stream') ?? false;
  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const ids = ctx.engine.encode(chatPrompt(messages), 'messages');
  ctx.engine.admit(params.maxTokens, maxField);
  const base = { id: requestId('chatcmpl'), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: ctx.modelName };
  const gen = { ...params, stop: [...params.stop, ALPACA_STOP], prompt: ids, signal: ctx.signal };

  if (!stream) {
    const r = await ctx.engine.generate('/v1/chat/completions', gen);
    if (r.finishReason === 'aborted') return;
    const content = r.text.trim();
    sendJson(ctx.res, 200, { ...base, choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish(r) }], usage: usage(r) });
    return;
  }
  const out = startStream(ctx, 'sse');
  const chunk = (delta: object, finishReason: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  await out.send(chunk({ role: 'assistant', content: '' }, null));
  let started = false;
  const r = await ctx.engine.generate('/v1/chat/completions', {
    ...gen,
    onText: (t) => {
      // the whitespace after "### Response:" is not part of the answer
      const text = started ? t : t.trimStart();
      if (!text) return;
      started = true;
      return out.send(chunk({ content: text }, null));
    },
  });
  if (r.finishReason === 'aborted') return;
  await out.send(chunk({}, finish(r)));
  if (includeUsage) await out.send({ ...base, object: 'chat.completion.chunk', choices: [], usage: usage(r) });
  await out.end();
}
