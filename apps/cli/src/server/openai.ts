// OpenAI's API: GET /v1/models and /v1/models/{id}, POST /v1/completions and
// /v1/chat/completions (stream: true for server-sent events ending in "data: [DONE]"), and
// POST /v1/embeddings.
import type { GenerationResult } from '../generation.js';
import { chatInput, checkModel, requestId, type RouteContext } from './context.js';
import { embeddingInputs } from './embeddings.js';
import { HttpError, sendJson } from './http.js';
import { chatMessages, optionalBoolean, optionalNumber, optionalString, stopSequences } from './params.js';
import { reply } from './respond.js';

type Body = Record<string, unknown>;

const modelObject = (ctx: RouteContext) => ({ id: ctx.modelName, object: 'model', created: 0, owned_by: 'llm' });

export function listModels(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { object: 'list', data: [modelObject(ctx)] });
}

export function retrieveModel(ctx: RouteContext): void {
  checkModel(ctx, ctx.rest, 'openai');
  sendJson(ctx.res, 200, modelObject(ctx));
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

function usage(r: { promptTokens: number; completionTokens: number }) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}

const finish = (r: GenerationResult) => (r.finishReason === 'length' ? 'length' : 'stop');

/** stream and stream_options.include_usage. */
function streaming(body: Body): { stream: 'sse' | false; includeUsage: boolean } {
  const stream = optionalBoolean(body, 'stream') ?? false;
  const options = body.stream_options;
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw new HttpError(400, "'stream_options' must be an object", 'stream_options');
  return { stream: stream ? 'sse' : false, includeUsage: (options as { include_usage?: unknown } | null)?.include_usage === true };
}

export async function completions(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'openai');
  const prompt = completionPrompt(body);
  const params = sampling(body, 'max_tokens');
  const { stream, includeUsage } = streaming(body);
  const echo = optionalBoolean(body, 'echo') ?? false;
  const ids = ctx.engine.encode(prompt);
  ctx.engine.admit(params.maxTokens);
  const echoed = echo ? (typeof prompt === 'string' ? prompt : ctx.engine.tokenizer.decode(prompt)) : '';
  const base = { id: requestId('cmpl'), object: 'text_completion', created: Math.floor(Date.now() / 1000), model: ctx.modelName };
  const choice = (text: string, finishReason: string | null) => ({ ...base, choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }] });
  await reply(ctx, {
    endpoint: '/v1/completions',
    stream,
    gen: { ...params, prompt: ids },
    opening: echoed ? [choice(echoed, null)] : [],
    piece: (text) => choice(text, null),
    closing: (r) => [choice('', finish(r)), ...(includeUsage ? [{ ...base, choices: [], usage: usage(r) }] : [])],
    whole: (r, text) => ({ ...choice(echoed + text, finish(r)), usage: usage(r) }),
  });
}

export async function chatCompletions(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'openai');
  const messages = chatMessages(body);
  const maxField = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const params = sampling(body, maxField);
  const { stream, includeUsage } = streaming(body);
  const { ids, stop } = chatInput(ctx, messages, params.stop);
  ctx.engine.admit(params.maxTokens, maxField);
  const base = { id: requestId('chatcmpl'), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: ctx.modelName };
  const chunk = (delta: object, finishReason: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  await reply(ctx, {
    endpoint: '/v1/chat/completions',
    stream,
    gen: { ...params, stop, prompt: ids },
    trim: true, // the whitespace after "### Response:" (or a template's header) is not part of the answer
    opening: [chunk({ role: 'assistant', content: '' }, null)],
    piece: (text) => chunk({ content: text }, null),
    closing: (r) => [chunk({}, finish(r)), ...(includeUsage ? [{ ...base, object: 'chat.completion.chunk', choices: [], usage: usage(r) }] : [])],
    whole: (r, content) => ({ ...base, choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish(r) }], usage: usage(r) }),
  });
}

/** Embeddings of one or more inputs: see Engine.embed for the definition. encoding_format 'base64' is little-endian float32, as OpenAI's. */
export async function embeddings(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'openai');
  const format = optionalString(body, 'encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') throw new HttpError(400, `'encoding_format' must be 'float' or 'base64', got ${JSON.stringify(format)}`, 'encoding_format');
  const dims = optionalNumber(body, 'dimensions', { integer: true, min: 1 });
  const embDim = ctx.engine.model.config.embDim;
  if (dims !== undefined && dims !== embDim) throw new HttpError(400, `'dimensions' must be ${embDim}, this model's embedding size (shortening is not supported)`, 'dimensions');
  const inputs = embeddingInputs(ctx.engine, body.input, 'input', false);
  const vectors = await ctx.engine.embed(inputs);
  if (ctx.signal.aborted) return;
  const tokens = inputs.reduce((n, ids) => n + ids.length, 0);
  sendJson(ctx.res, 200, {
    object: 'list',
    data: vectors.map((v, index) => ({
      object: 'embedding', index,
      embedding: format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
    })),
    model: ctx.modelName,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
