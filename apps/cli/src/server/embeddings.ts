// The inputs of an embeddings request (OpenAI's /v1/embeddings, Ollama's /api/embed and
// /api/embeddings) as token ids, each checked against the vocabulary and the context: a string,
// a list of strings, token ids, or a list of token-id lists.
import type { Engine } from './engine.js';
import { HttpError } from './http.js';

/** Inputs in one request at most (OpenAI's limit). */
export const MAX_EMBEDDING_INPUTS = 2048;

/** truncate: keep the first contextLength tokens of a longer input (Ollama's default) instead of refusing it. */
export function embeddingInputs(engine: Engine, value: unknown, param: string, truncate: boolean): number[][] {
  const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
  let list: unknown[];
  if (typeof value === 'string' || isIds(value)) list = [value];
  else if (Array.isArray(value) && value.length > 0) list = value;
  else throw new HttpError(400, `'${param}' must be a string, a list of strings, token ids or a list of token-id lists`, param);
  if (list.length > MAX_EMBEDDING_INPUTS) throw new HttpError(400, `'${param}' may hold at most ${MAX_EMBEDDING_INPUTS} inputs, got ${list.length}`, param);
  return list.map((item, i) => {
    const field = list.length === 1 && !Array.isArray(value) ? param : `${param}[${i}]`;
    if (typeof item !== 'string' && !isIds(item)) throw new HttpError(400, `'${field}' must be a string or a list of token ids`, field);
    if (item === '') throw new HttpError(400, `'${field}' is empty`, field);
    const ids = engine.tokenize(item, field);
    if (ids.length <= engine.contextLength) return ids;
    if (truncate) return ids.slice(0, engine.contextLength);
    throw new HttpError(400, `'${field}' is ${ids.length} tokens, longer than the model's context length of ${engine.contextLength} tokens`, field);
  });
}
