// Streaming generation for the commands and the server: sampling options, stop sequences, the
// end-of-text token, cancellation, and a turn of the event loop between tokens so that a server
// keeps answering other requests while it generates.
import type { GenerativeModel } from '@llm/gpt';
import type { Encoding } from '@llm/tokenizer';
import { StopMatcher } from './stop.js';

export interface GenerationRequest {
  /** Text (special tokens such as <|endoftext|> become their ids) or token ids. */
  prompt: string | number[];
  maxTokens: number;
  /** 0: greedy. */
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Stop before any of these strings (they are not returned). */
  stop?: string[];
  signal?: AbortSignal;
  /** Receives the text as it is generated (awaited: slow consumers slow generation down). */
  onText?: (text: string) => void | Promise<void>;
  /** Called after each token is drawn (counts, tests). */
  onToken?: (id: number) => void;
  /** Where the tokens come from (the server's ContinuousBatcher); default: generateStream on the model alone. */
  source?: TokenSource;
}

export type TokenSource = (prompt: number[], opts: { maxNewTokens: number; temperature: number; topK?: number; topP?: number; seed?: number; eosId?: number; stopIds?: readonly number[]; signal?: AbortSignal }) => AsyncIterable<number>;

export type FinishReason = 'stop' | 'length' | 'aborted';

export interface GenerationResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: FinishReason;
  /** Seconds to the first token (the prompt's forward pass) and for all of it. */
  promptSeconds: number;
  seconds: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// loaded on first use (the other commands start without it), then reused: a dynamic import per
// request costs a module resolution each time, a few per cent of a busy server
let gpt: Promise<typeof import('@llm/gpt')> | undefined;
const loadGpt = () => (gpt ??= import('@llm/gpt'));

export function encodePrompt(tokenizer: Encoding, prompt: string | number[]): number[] {
  if (typeof prompt !== 'string') return prompt;
  const ids = tokenizer.encode(prompt, { allowedSpecial: 'all' });
  // an empty prompt starts from <|endoftext|>, as GPT-2's unconditional samples do
  return ids.length ? ids : [tokenizer.eotToken ?? 50256];
}

export async function runGeneration(model: GenerativeModel, tokenizer: Encoding, req: GenerationRequest): Promise<GenerationResult> {
  const { decodeStream, generateStream } = await loadGpt();
  const t0 = performance.now();
  const ids = encodePrompt(tokenizer, req.prompt);
  const stop = new StopMatcher(req.stop ?? []);
  let text = '';
  let count = 0;
  let firstTokenAt = 0;
  let finishReason: FinishReason = 'length';
  const emit = async (piece: string) => {
    if (!piece) return;
    text += piece;
    await req.onText?.(piece);
  };
  // a Llama / Qwen3 config names its end tokens (end of text, end of turn); GPT-2's is the tokenizer's <|endoftext|>
  const stopIds = (model as { config?: { eosTokenIds?: readonly number[] } }).config?.eosTokenIds;
  const opts = { maxNewTokens: req.maxTokens, temperature: req.temperature, topK: req.topK, topP: req.topP, seed: req.seed, eosId: tokenizer.eotToken, stopIds };
  const stream = req.source ? decodeStream(tokenizer, req.source(ids, { ...opts, signal: req.signal }), req.maxTokens) : generateStream(model, tokenizer, ids, opts);
  let stopped = false;
  for await (const token of stream) {
    if (count++ === 0) firstTokenAt = performance.now();
    req.onToken?.(token.id);
    const { text: safe, stopped: hit } = stop.push(token.text);
    await emit(safe);
    if (hit) {
      stopped = true;
      finishReason = 'stop';
      break;
    }
    // decoding alone here, yield between tokens so the server keeps answering; a source (the
    // batcher) yields between its steps itself, and a turn here would hold each answer back a step
    if (!req.source) await nextTurn();
    if (req.signal?.aborted) {
      finishReason = 'aborted';
      break;
    }
  }
  if (req.signal?.aborted) finishReason = 'aborted'; // also when it ended while waiting for its turn
  if (!stopped && finishReason !== 'aborted') {
    await emit(stop.flush());
    if (count < req.maxTokens) finishReason = 'stop'; // the end-of-text token
  }
  const t1 = performance.now();
  return {
    text, promptTokens: ids.length, completionTokens: count, finishReason,
    promptSeconds: ((firstTokenAt || t1) - t0) / 1000, seconds: (t1 - t0) / 1000,
  };
}
