// Text in, text out: generation that decodes as it goes. A GPT-2 token can end inside a UTF-8
// character (an emoji is often two or three tokens), so the decoder holds incomplete bytes back
// until the token that completes them.
import type { GenerativeModel, GenerateOptions, TokenIds } from './generate.js';
import { generateSteps, idRows } from './generate.js';
import type { Tokenizer } from './text.js';

/** Text completed by each pushed token; flush() returns what is held back (U+FFFD for an unfinished character). */
export interface StreamingDecoder {
  push(id: number): string;
  flush(): string;
}

/** A tokenizer that can stream, as @llm/tokenizer's encodings (streamDecoder()); any other decodes in small groups. */
export type StreamingTokenizer = Tokenizer & { streamDecoder?(): StreamingDecoder };

export function streamingDecoder(tokenizer: StreamingTokenizer): StreamingDecoder {
  if (typeof tokenizer.streamDecoder === 'function') return tokenizer.streamDecoder();
  // fallback: decode the tokens since the last complete character; a trailing U+FFFD means "incomplete"
  let pending: number[] = [];
  return {
    push(id) {
      pending.push(id);
      const text = tokenizer.decode(pending);
      if (text.endsWith('\uFFFD') && pending.length < 4) return '';
      pending = [];
      return text;
    },
    flush() {
      const text = pending.length ? tokenizer.decode(pending) : '';
      pending = [];
      return text;
    },
  };
}

export interface GeneratedToken {
  id: number;
  /** Text this token completed ('' while a character is unfinished). */
  text: string;
}

/**
 * Streams the continuation of a prompt (text, or the token ids of one row) token by token:
 * `for await (const { text } of generateStream(model, tokenizer, 'Every effort moves you', { maxNewTokens: 30 })) process.stdout.write(text)`.
 * The pieces join to the decoded continuation (a character cut off by the stop token is dropped).
 */
export async function* generateStream(model: GenerativeModel, tokenizer: StreamingTokenizer, prompt: string | TokenIds, opts: GenerateOptions): AsyncGenerator<GeneratedToken> {
  const rows = typeof prompt === 'string' ? [Array.from(tokenizer.encode(prompt, { allowedSpecial: 'all' }))] : await idRows(prompt);
  if (rows.length !== 1) throw new Error(`generateStream: streams one prompt at a time, got a batch of ${rows.length}`);
  yield* decodeStream(tokenizer, firstRow(generateSteps(model, rows, opts)), opts.maxNewTokens);
}

async function* firstRow(steps: AsyncIterable<number[]>): AsyncGenerator<number> {
  for await (const [id] of steps) yield id;
}

/**
 * Decodes token ids as they come (from generateStream's steps, or a ContinuousBatcher request):
 * the text each completes; after the maxNewTokens-th, also what was held back.
 */
export async function* decodeStream(tokenizer: StreamingTokenizer, ids: AsyncIterable<number>, maxNewTokens: number): AsyncGenerator<GeneratedToken> {
  const decoder = streamingDecoder(tokenizer);
  let step = 0;
  for await (const id of ids) {
    step++;
    yield { id, text: decoder.push(id) + (step === maxNewTokens ? decoder.flush() : '') };
  }
}

/** The prompt followed by its generated continuation, as text (the book's generate + token_ids_to_text). */
export async function generateText(model: GenerativeModel, tokenizer: StreamingTokenizer, prompt: string, opts: GenerateOptions): Promise<string> {
  let text = prompt;
  for await (const piece of generateStream(model, tokenizer, prompt, opts)) text += piece.text;
  return text;
}
