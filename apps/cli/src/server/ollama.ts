// Ollama's API: POST /api/generate and /api/chat (a JSON object per line while streaming, the
// default, or one object with stream: false), POST /api/embed and /api/embeddings, POST
// /api/show, GET /api/tags, /api/ps and /api/version. The book's instruction judge (and
// @llm/finetune's) talks to /api/chat.
import pkg from '../../package.json';
import type { GenerationResult } from '../generation.js';
import { ALPACA_STOP, chatPrompt } from '../prompt.js';
import { chatInput, checkModel, type RouteContext } from './context.js';
import { embeddingInputs } from './embeddings.js';
import { HttpError, sendJson } from './http.js';
import { chatMessages, optionalBoolean, optionalNumber, optionalString, stopSequences } from './params.js';
import { reply } from './respond.js';

type Body = Record<string, unknown>;

export function version(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { version: pkg.version });
}

/** What /api/tags, /api/ps and /api/show say about the model. */
function describe(ctx: RouteContext) {
  const { config } = ctx.engine.model;
  const parameters = ctx.engine.model.parameters().reduce((n, p) => n + p.size, 0);
  const family = config.modelType ?? 'gpt2';
  return {
    name: ctx.modelName, model: ctx.modelName, modified_at: new Date(0).toISOString(), size: parameters * 4, digest: '',
    details: { parent_model: '', format: 'safetensors', family, families: [family], parameter_size: `${(parameters / 1e6).toFixed(1)}M`, quantization_level: 'F32', context_length: config.contextLength },
    parameters,
  };
}

export function tags(ctx: RouteContext): void {
  const { parameters: _, ...model } = describe(ctx);
  sendJson(ctx.res, 200, { models: [model] });
}

/** The loaded models: this one, always loaded, on the CPU (size_vram 0) unless a GPU backend is in use. */
export function ps(ctx: RouteContext): void {
  const { parameters: _, modified_at: __, ...model } = describe(ctx);
  sendJson(ctx.res, 200, { models: [{ ...model, expires_at: '2999-01-01T00:00:00Z', size_vram: 0, context_length: ctx.engine.contextLength }] });
}

export function show(ctx: RouteContext, body: Body): void {
  const model = body.model ?? body.name;
  if (model === undefined || model === null || model === '') throw new HttpError(400, "'model' is required");
  checkModel(ctx, model, 'ollama');
  const { details, parameters, modified_at } = describe(ctx);
  const { config } = ctx.engine.model;
  const arch = details.family;
  sendJson(ctx.res, 200, {
    license: '', modelfile: `FROM ${ctx.modelName}\n`, parameters: '', template: ctx.promptTemplate === 'alpaca' ? '{{ .System }}\n\n### Instruction:\n{{ .Prompt }}\n\n### Response:\n' : '{{ .Prompt }}',
    details, modified_at, capabilities: ['completion', 'embedding'],
    model_info: {
      'general.architecture': arch, 'general.parameter_count': parameters,
      [`${arch}.context_length`]: config.contextLength, [`${arch}.embedding_length`]: config.embDim, [`${arch}.block_count`]: config.nLayers,
      [`${arch}.attention.head_count`]: config.nHeads, [`${arch}.vocab_size`]: config.vocabSize,
    },
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

const createdAt = () => new Date().toISOString();

export async function generate(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const prompt = optionalString(body, 'prompt') ?? '';
  const system = optionalString(body, 'system');
  const raw = optionalBoolean(body, 'raw') ?? false;
  const stream = optionalBoolean(body, 'stream') ?? true;
  const params = sampling(ctx, body);
  if (!prompt) {
    // an empty prompt only loads the model, as in Ollama
    sendJson(ctx.res, 200, { model: ctx.modelName, created_at: createdAt(), response: '', done: true, done_reason: 'load' });
    return;
  }
  const templated = !raw && ctx.promptTemplate === 'alpaca';
  const text = templated
    ? chatPrompt([...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }])
    : (system && !raw ? `${system}\n\n${prompt}` : prompt);
  const ids = ctx.engine.encode(text);
  ctx.engine.admit(params.maxTokens, 'options.num_predict');
  const line = (response: string, done: boolean) => ({ model: ctx.modelName, created_at: createdAt(), response, done });
  await reply(ctx, {
    endpoint: '/api/generate',
    stream: stream && 'ndjson',
    gen: { ...params, stop: templated ? [...params.stop, ALPACA_STOP] : params.stop, prompt: ids },
    trim: templated,
    piece: (t) => line(t, false),
    closing: (r) => [{ ...line('', true), ...timings(r) }],
    whole: (r, t) => ({ ...line(t, true), ...timings(r) }),
  });
}

export async function chat(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const messages = chatMessages(body);
  const stream = optionalBoolean(body, 'stream') ?? true;
  const params = sampling(ctx, body);
  const { ids, stop } = chatInput(ctx, messages, params.stop);
  ctx.engine.admit(params.maxTokens, 'options.num_predict');
  const line = (content: string, done: boolean) => ({ model: ctx.modelName, created_at: createdAt(), message: { role: 'assistant', content }, done });
  await reply(ctx, {
    endpoint: '/api/chat',
    stream: stream && 'ndjson',
    gen: { ...params, stop, prompt: ids },
    trim: true,
    piece: (t) => line(t, false),
    closing: (r) => [{ ...line('', true), ...timings(r) }],
    whole: (r, t) => ({ ...line(t, true), ...timings(r) }),
  });
}

/** /api/embed: { model, input: string | string[], truncate = true } → { embeddings: number[][] } (unit length, as Ollama's). */
export async function embed(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const truncate = optionalBoolean(body, 'truncate') ?? true;
  const t0 = performance.now();
  const inputs = embeddingInputs(ctx.engine, body.input, 'input', truncate);
  const vectors = await ctx.engine.embed(inputs);
  if (ctx.signal.aborted) return;
  sendJson(ctx.res, 200, {
    model: ctx.modelName, embeddings: vectors.map((v) => Array.from(v)),
    total_duration: ns((performance.now() - t0) / 1000), load_duration: 0, prompt_eval_count: inputs.reduce((n, ids) => n + ids.length, 0),
  });
}

/** The older /api/embeddings: { model, prompt } → { embedding }. */
export async function embeddings(ctx: RouteContext, body: Body): Promise<void> {
  checkModel(ctx, body.model, 'ollama');
  const prompt = optionalString(body, 'prompt');
  if (!prompt) throw new HttpError(400, "'prompt' must be a non-empty string");
  const [ids] = embeddingInputs(ctx.engine, prompt, 'prompt', true);
  const [v] = await ctx.engine.embed([ids]);
  if (ctx.signal.aborted) return;
  sendJson(ctx.res, 200, { embedding: Array.from(v) });
}
