// Bits per byte: a language model's loss in units that do not depend on its tokenizer, so a model
// with a 4,096-token BPE and one with GPT-2's 50,257 tokens can be compared on the same text.
// A mean cross-entropy of L nats per token over N tokens that spell B bytes of text is
//   bits per byte = L · N / (B · ln 2).
import type { TextTokenizer } from './types.js';

const utf8 = new TextEncoder();

/** Bits per byte from a mean loss in nats per token over `tokens` tokens that spell `bytes` bytes. */
export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  if (!(tokens > 0) || !(bytes > 0)) throw new Error(`bitsPerByte: tokens and bytes must be positive, got ${tokens} tokens and ${bytes} bytes`);
  return (lossNatsPerToken * tokens) / (bytes * Math.LN2);
}

/** The bytes that `ids` spell: the tokenizer's own bytes where it has them, else its text as UTF-8. */
export function tokenBytes(tokenizer: TextTokenizer & { decodeBytes?: (ids: ArrayLike<number>) => Uint8Array }, ids: ArrayLike<number>): number {
  return tokenizer.decodeBytes ? tokenizer.decodeBytes(ids).length : utf8.encode(tokenizer.decode(ids)).length;
}
