import { getEncoding } from '@llm/tokenizer';
import { describe, expect, it } from 'vitest';
import { bitsPerByte, tokenBytes } from '../src/index.js';

describe('bitsPerByte', () => {
  it('is nats per token times tokens over bytes, in bits', () => {
    // ln 2 nats = 1 bit per token; 2 tokens over 11 bytes
    expect(bitsPerByte(Math.LN2, 2, 11)).toBeCloseTo(2 / 11, 15);
    // a uniform model over 256 byte values, one token a byte: 8 bits per byte
    expect(bitsPerByte(Math.log(256), 1000, 1000)).toBeCloseTo(8, 12);
  });

  it('refuses empty spans, naming the counts', () => {
    expect(() => bitsPerByte(1, 0, 10)).toThrow(/0 tokens and 10 bytes/);
    expect(() => bitsPerByte(1, 5, 0)).toThrow(/5 tokens and 0 bytes/);
  });
});

describe('tokenBytes', () => {
  it('counts the UTF-8 bytes the ids spell, also when a slice cuts a character in two', () => {
    const gpt2 = getEncoding('gpt2');
    const text = 'héllo wörld, 東京 €5';
    const ids = gpt2.encode(text);
    expect(tokenBytes(gpt2, ids)).toBe(Buffer.byteLength(text, 'utf8'));
    // 東 is 3 bytes that GPT-2 spells with more than one token: each token's own bytes still add up
    let sum = 0;
    for (const id of ids) sum += tokenBytes(gpt2, [id]);
    expect(sum).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('falls back to the decoded text for a tokenizer without decodeBytes', () => {
    const chars = { encode: (t: string) => Array.from(t, (c) => c.codePointAt(0)!), decode: (ids: ArrayLike<number>) => String.fromCodePoint(...Array.from(ids)) };
    expect(tokenBytes(chars, chars.encode('añb'))).toBe(4);
  });
});
