// What a route handler gets: the engine, the model's name, the response, and a signal that fires
// when the client goes away.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Engine } from './engine.js';
import { ALPACA_STOP, chatPrompt } from '../prompt.js';
import { HttpError } from './http.js';
import type { Message } from './params.js';

export interface RouteContext {
  engine: Engine;
  modelName: string;
  /** How /api/generate wraps prompts (raw: false): 'none' passes them through, 'alpaca' as an instruction. */
  promptTemplate: 'none' | 'alpaca';
  res: ServerResponse;
  signal: AbortSignal;
  /** What follows a route's prefix in the path ('tiny' for GET /v1/models/tiny), URI-decoded. */
  rest: string;
  /** The model's own chat template (a Llama / Qwen3 tokenizer_config.json's): messages → prompt ids; undefined: Alpaca. */
  chatTemplate?: (messages: Message[]) => number[] | undefined;
}

/** A conversation's prompt ids and stop sequences: the model's chat template when it has one, else the Alpaca prompt (stopping at the next ###). */
export function chatInput(ctx: RouteContext, messages: Message[], stop: string[]): { ids: number[]; stop: string[] } {
  const own = ctx.chatTemplate?.(messages);
  if (own) return { ids: ctx.engine.encode(own, 'messages'), stop };
  return { ids: ctx.engine.encode(chatPrompt(messages), 'messages'), stop: [...stop, ALPACA_STOP] };
}

export const requestId = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

/** The names a request may use for the served model: its name, and Ollama's name:latest. */
export function checkModel(ctx: RouteContext, model: unknown, format: 'openai' | 'ollama'): void {
  if (model === undefined || model === null || model === '') return;
  if (typeof model !== 'string') throw new HttpError(400, "'model' must be a string", 'model');
  if (model === ctx.modelName || model === `${ctx.modelName}:latest`) return;
  throw new HttpError(404, format === 'ollama' ? `model "${model}" not found; this server has "${ctx.modelName}"` : `The model '${model}' does not exist; this server serves '${ctx.modelName}'`, 'model', 'model_not_found');
}
