// Generating token ids: the book's greedy generate_text_simple (section 4.7), and generate
// (section 5.3) with temperature, top-k, top-p, a stop token, a seed and the KV cache.
//
// With the cache, the prompt is run once and each step feeds only the new token. Once the text is
// longer than the context window, positions shift with every token and nothing cached can be
// reused, so each step runs the whole window again, exactly as without the cache: cached and
// uncached generation give the same ids.
import { type Backend, cat, defaultGenerator, Generator, getBackend, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { checkSampling, type SamplingOptions, sampleToken } from './sampling.js';

/** What generation needs from a model: GPTModel, or anything with the same forward. */
export interface GenerativeModel {
  /** ids int32 (B, T) → logits (B, T, vocab). */
  forward(ids: Tensor, opts?: { useCache?: boolean; lastTokenOnly?: boolean }): Tensor;
  config?: { contextLength: number };
  resetCache?(): void;
}

/**
 * Greedy decoding as the book's generate_text_simple: appends maxNewTokens argmax tokens to idx
 * (B, T), looking at the last contextSize tokens each step. Returns a new (B, T + maxNewTokens).
 */
export function generateTextSimple(model: GenerativeModel, idx: Tensor, maxNewTokens: number, contextSize = model.config?.contextLength): Tensor {
  if (!contextSize) throw new Error('generateTextSimple: pass contextSize (the model has no config.contextLength)');
  checkIds('generateTextSimple', idx);
  return noGrad(() => {
    let out = idx.clone();
    for (let i = 0; i < maxNewTokens; i++) {
      const next = tidy(() => {
        const logits = model.forward(out.slice(1, -contextSize)); // (B, T, vocab)
        return logits.narrow(1, logits.shape[1] - 1, 1).argmax(-1); // (B, 1)
      });
      const grown = cat([out, next], 1);
      next.dispose();
      out.dispose();
      out = grown;
    }
    return out;
  });
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Tokens the model sees at most (default: the model's contextLength). */
  contextSize?: number;
  /** Stop when this token is drawn (not appended, as the book); with a batch, when every row has drawn it (finished rows are padded with it). */
  eosId?: number;
  /** More end tokens, as eosId (Llama 3's <|eot_id|>, <|eom_id|> and <|end_of_text|>; a chat model's end of turn). */
  stopIds?: readonly number[];
  /** Seeds a fresh Generator for the draws (ignored for greedy decoding). */
  seed?: number;
  /** Draw from this generator (default: a fresh one from seed, else the global one). */
  generator?: Generator;
  /** Reuse keys and values of earlier tokens (default true when the model has a KV cache). */
  useCache?: boolean;
}

/** Token ids as a tensor (B, T) or (T), a flat list (one row), or a list of equal-length rows. */
export type TokenIds = Tensor | ArrayLike<number> | readonly (readonly number[])[];

/** Continues idx by up to maxNewTokens sampled tokens; resolves to int32 (B, T + n). */
export async function generate(model: GenerativeModel, idx: TokenIds, opts: GenerateOptions): Promise<Tensor> {
  const rows = await idRows(idx);
  for await (const step of generateSteps(model, rows, opts)) step.forEach((id, r) => rows[r].push(id));
  return tensor(Int32Array.from(rows.flat()), { shape: [rows.length, rows[0].length], backend: backendOf(model) });
}

/** Yields the B new ids of each step. The rows passed in are not changed. */
export async function* generateSteps(model: GenerativeModel, prompt: readonly (readonly number[])[], opts: GenerateOptions): AsyncGenerator<number[]> {
  checkSampling(opts);
  if (!(Number.isSafeInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0)) throw new RangeError(`generate: maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`);
  const modelContext = model.config?.contextLength;
  const contextSize = opts.contextSize ?? modelContext;
  if (!contextSize) throw new Error('generate: pass contextSize (the model has no config.contextLength)');
  if (modelContext && contextSize > modelContext) throw new RangeError(`generate: contextSize ${contextSize} exceeds the model's context length ${modelContext}`);
  if (prompt.length === 0 || prompt[0].length === 0) throw new Error('generate: the prompt must hold at least one token');
  const useCache = (opts.useCache ?? true) && typeof model.resetCache === 'function';
  const generator = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
  const backend = backendOf(model);
  const rows = prompt.map((r) => [...r]);
  const finished = rows.map(() => false);
  let cached = 0; // tokens in the model's KV cache
  const stops = new Set([...(opts.eosId === undefined ? [] : [opts.eosId]), ...(opts.stopIds ?? [])]);
  const pad = opts.eosId ?? opts.stopIds?.[0];

  const lastLogits = async (): Promise<Float32Array> => {
    const len = rows[0].length;
    let from: number;
    if (!useCache) from = Math.max(0, len - contextSize);
    else if (cached > 0 && cached === len - 1 && cached < contextSize) from = len - 1; // one new token
    else {
      model.resetCache!(); // first step, or the window slid: run the whole window
      from = Math.max(0, len - contextSize);
      cached = 0;
    }
    const input = tensor(Int32Array.from(rows.flatMap((r) => r.slice(from))), { shape: [rows.length, len - from], backend });
    const logits = noGrad(() => tidy(() => {
      const out = model.forward(input, { useCache, lastTokenOnly: true });
      return out.narrow(1, out.shape[1] - 1, 1); // (B, 1, vocab)
    }));
    input.dispose();
    if (useCache) cached += len - from;
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    return data;
  };

  try {
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const logits = await lastLogits();
      const vocab = logits.length / rows.length;
      const next = rows.map((_, r) => (finished[r] ? pad! : sampleToken(logits.subarray(r * vocab, (r + 1) * vocab), opts, generator)));
      if (stops.size) {
        next.forEach((id, r) => { if (stops.has(id)) finished[r] = true; });
        if (finished.every(Boolean)) return;
      }
      rows.forEach((r, i) => r.push(next[i]));
      yield next;
    }
  } finally {
    if (useCache) model.resetCache!();
  }
}

/** The rows of ids as plain arrays. */
export async function idRows(idx: TokenIds): Promise<number[][]> {
  if (isTensor(idx)) {
    checkIds('generate', idx);
    const data = Array.from(await idx.data());
    const [B, T] = idx.ndim === 1 ? [1, idx.shape[0]] : idx.shape;
    return Array.from({ length: B }, (_, b) => data.slice(b * T, (b + 1) * T));
  }
  const list: unknown[] = Array.from(idx as ArrayLike<unknown>);
  if (list.length > 0 && Array.isArray(list[0])) {
    const rows = (list as number[][]).map((r) => [...r]);
    if (rows.some((r) => r.length !== rows[0].length)) throw new Error('generate: every prompt row must have the same length (pad them first)');
    return rows;
  }
  return [list as number[]];
}

function checkIds(op: string, idx: Tensor): void {
  if (idx.dtype !== 'int32' || idx.ndim < 1 || idx.ndim > 2) throw new TypeError(`${op}: expected int32 ids (B, T) or (T), got ${idx.dtype} [${idx.shape.join(', ')}]`);
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { isTensor?: unknown }).isTensor === true;
}

/** Where the model's weights live (new ids go there too). */
function backendOf(model: GenerativeModel): Backend {
  const params = (model as { parameters?: () => Tensor[] }).parameters?.();
  return params?.[0]?.backend ?? getBackend();
}
