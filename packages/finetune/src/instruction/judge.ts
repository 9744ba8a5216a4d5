// Section 7.8: a larger model judges each answer, scoring it 0-100 against the reference, over
// HTTP. It speaks Ollama's /api/chat (the book's choice) and /api/generate, and the OpenAI
// chat-completions API (OpenAI, vLLM, llama.cpp's server, LM Studio...).
import { formatInput, type InstructionEntry } from './format.js';

export type JudgeApi = 'ollama-chat' | 'ollama-generate' | 'openai';

export interface JudgeOptions {
  /** The endpoint, or a server's base URL (default http://localhost:11434/api/chat, Ollama's). */
  url?: string;
  /** Default: from the URL's path (/api/chat, /api/generate, /v1/chat/completions); ollama-chat for a bare host. */
  api?: JudgeApi;
  /** The judging model (default 'llama3', as the book). */
  model?: string;
  /** Sent as "Authorization: Bearer ..." (OpenAI-style servers). */
  apiKey?: string;
  /** Per request, connecting to the last byte of the reply (default 120,000 ms). */
  timeoutMs?: number;
  /** Ollama options as the book: seed 123, temperature 0, num_ctx 2048. */
  seed?: number;
  temperature?: number;
  numCtx?: number;
  /** fetch to use (default the global one). */
  fetch?: typeof fetch;
}

export type JudgeErrorKind = 'config' | 'connection' | 'timeout' | 'http' | 'bad-json' | 'bad-score';

export class JudgeError extends Error {
  constructor(readonly kind: JudgeErrorKind, readonly url: string, message: string) {
    super(`judge (${url}): ${message}`);
    this.name = 'JudgeError';
  }
}

const DEFAULT_PATHS: Record<JudgeApi, string> = { 'ollama-chat': '/api/chat', 'ollama-generate': '/api/generate', openai: '/v1/chat/completions' };

/** The endpoint URL and API for the options. */
export function resolveJudgeEndpoint(opts: Pick<JudgeOptions, 'url' | 'api'> = {}): { url: string; api: JudgeApi } {
  const raw = opts.url ?? 'http://localhost:11434/api/chat';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new JudgeError('config', raw, 'not a valid URL (expected e.g. http://localhost:11434/api/chat)');
  }
  const path = u.pathname.replace(/\/+$/, '');
  const inferred: JudgeApi | undefined = path.endsWith('/api/chat') ? 'ollama-chat' : path.endsWith('/api/generate') ? 'ollama-generate' : path.endsWith('/chat/completions') ? 'openai' : undefined;
  const api = opts.api ?? inferred ?? (path === '' ? 'ollama-chat' : undefined);
  if (!api) throw new JudgeError('config', raw, `cannot tell the API from the path "${u.pathname}"; use .../api/chat, .../api/generate or .../v1/chat/completions, or set api`);
  if (!Object.hasOwn(DEFAULT_PATHS, api)) throw new JudgeError('config', raw, `unknown api ${JSON.stringify(api)}; use ollama-chat, ollama-generate or openai`);
  if (path === '' || (api === 'openai' && path === '/v1')) u.pathname = api === 'openai' && path === '/v1' ? '/v1/chat/completions' : DEFAULT_PATHS[api];
  return { url: u.toString(), api };
}

function requestBody(api: JudgeApi, prompt: string, o: JudgeOptions): unknown {
  const model = o.model ?? 'llama3';
  const options = { seed: o.seed ?? 123, temperature: o.temperature ?? 0, num_ctx: o.numCtx ?? 2048 };
  if (api === 'ollama-chat') return { model, messages: [{ role: 'user', content: prompt }], options, stream: false };
  if (api === 'ollama-generate') return { model, prompt, options, stream: false };
  return { model, messages: [{ role: 'user', content: prompt }], temperature: options.temperature, seed: options.seed };
}

/** The text of one reply object, or undefined when it has none where the API puts it. */
function replyText(api: JudgeApi, json: unknown): string | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: a reply of any of three APIs' shapes, each field checked below
  const j = json as Record<string, any> | null;
  if (api === 'ollama-chat') return typeof j?.message?.content === 'string' ? j.message.content : undefined;
  if (api === 'ollama-generate') return typeof j?.response === 'string' ? j.response : undefined;
  const content = j?.choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : undefined;
}

const FIELD: Record<JudgeApi, string> = { 'ollama-chat': 'message.content', 'ollama-generate': 'response', openai: 'choices[0].message.content' };

function snippet(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}...` : s);
}

/** Parses a reply body: one JSON object, or Ollama's stream of JSON lines whose texts are joined. */
function parseReply(api: JudgeApi, body: string, url: string): string {
  const objects: unknown[] = [];
  try {
    objects.push(JSON.parse(body));
  } catch {
    const lines = body.split('\n').filter((l) => l.trim());
    try {
      for (const line of lines) objects.push(JSON.parse(line));
    } catch {
      throw new JudgeError('bad-json', url, `the reply is not JSON: ${snippet(body)}`);
    }
    if (objects.length === 0) throw new JudgeError('bad-json', url, 'the reply is empty');
  }
  const texts = objects.map((o) => replyText(api, o));
  if (texts.some((t) => t === undefined)) {
    const err = (objects.find((o) => (o as { error?: unknown })?.error) as { error?: unknown } | undefined)?.error;
    throw new JudgeError('bad-json', url, err ? `the server answered with an error: ${snippet(typeof err === 'string' ? err : JSON.stringify(err))}` : `the reply has no ${FIELD[api]} (is this the ${api} API?): ${snippet(body)}`);
  }
  return texts.join('');
}

/** Sends one prompt and resolves to the model's reply text (the book's query_model). */
export async function queryModel(prompt: string, opts: JudgeOptions = {}): Promise<string> {
  const { url, api } = resolveJudgeEndpoint(opts);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const signal = AbortSignal.timeout(timeoutMs);
  let status = 0;
  let body: string;
  try {
    const res = await doFetch(url, { method: 'POST', headers, body: JSON.stringify(requestBody(api, prompt, opts)), signal });
    status = res.status;
    body = await res.text();
    if (!res.ok) throw new JudgeError('http', url, `HTTP ${res.status} ${res.statusText}: ${snippet(body)}`);
  } catch (e) {
    if (e instanceof JudgeError) throw e;
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || signal.aborted) throw new JudgeError('timeout', url, `no complete reply within ${timeoutMs} ms${status ? ` (HTTP ${status} headers arrived)` : ''}`);
    const code = err.cause?.code;
    if (code === 'ECONNREFUSED') throw new JudgeError('connection', url, 'connection refused: is the server running (for Ollama: `ollama serve`, then `ollama pull llama3`)?');
    throw new JudgeError('connection', url, `request failed: ${code ?? err.cause?.message ?? err.message}`);
  }
  return parseReply(api, body, url);
}

/** The book's judging prompt for an entry and one of its answers. */
export function judgePrompt(entry: InstructionEntry, response: string): string {
  return `Given the input \`${formatInput(entry)}\` `
    + `and correct output \`${entry.output}\`, `
    + `score the model response \`${response}\``
    + ' on a scale from 0 to 100, where 100 is the best score. '
    + 'Respond with the integer number only.';
}

/**
 * A 0-100 score from a reply: the reply itself as a number ("85", "85.", "85/100", "85%"), else
 * the one number it contains ("Score: 85"). Anything else is a JudgeError of kind 'bad-score'.
 */
export function parseScore(reply: string, url = 'judge'): number {
  const whole = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*100|%)?\s*\.?\s*$/.exec(reply);
  const numbers = reply.match(/\d+(?:\.\d+)?/g) ?? [];
  const text = whole?.[1] ?? (numbers.length === 1 ? numbers[0] : undefined);
  if (text === undefined) throw new JudgeError('bad-score', url, `expected a score from 0 to 100, got ${snippet(reply)}`);
  const score = Number(text);
  if (!(score >= 0 && score <= 100)) throw new JudgeError('bad-score', url, `score ${score} is outside 0-100 (reply ${snippet(reply)})`);
  return score;
}

export interface JudgeResult {
  /** One per entry: the score, or null where the reply was not a usable score. */
  scores: (number | null)[];
  /** Mean of the numeric scores (NaN when there are none). */
  average: number;
  /** Entries whose reply was not a score, with the reason (the book skips them too). */
  failures: { index: number; message: string }[];
}

/**
 * Scores every entry's answer (the book's generate_model_scores). Unusable replies are recorded
 * and skipped; a connection, timeout, HTTP or protocol error stops the run and is thrown.
 */
export async function judgeResponses<E extends InstructionEntry>(
  entries: readonly E[],
  opts: JudgeOptions & { responseKey?: string; onScore?: (index: number, score: number | null) => void } = {},
): Promise<JudgeResult> {
  const key = opts.responseKey ?? 'model_response';
  const { url } = resolveJudgeEndpoint(opts);
  const scores: (number | null)[] = [];
  const failures: JudgeResult['failures'] = [];
  for (const [i, entry] of entries.entries()) {
    const response = (entry as unknown as Record<string, unknown>)[key];
    if (typeof response !== 'string') throw new Error(`judgeResponses: entry ${i} has no string "${key}"`);
    const reply = await queryModel(judgePrompt(entry, response), opts);
    let score: number | null = null;
    try {
      score = parseScore(reply, url);
    } catch (e) {
      failures.push({ index: i, message: (e as Error).message });
    }
    scores.push(score);
    opts.onScore?.(i, score);
  }
  const numeric = scores.filter((s): s is number => s !== null);
  return { scores, average: numeric.length ? numeric.reduce((a, b) => a + b, 0) / numeric.length : NaN, failures };
}
