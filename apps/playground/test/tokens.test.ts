// The tokenizer view's data against tiktoken's gpt2 encoding (ids printed by tiktoken 1.0.22).
import { describe, expect, it } from 'vitest';
import { tokenColour, tokenPieces, visibleText } from '../src/lib/tokens.js';

describe('tokenPieces', () => {
  it('gives tiktoken ids and the characters of each token', () => {
    const pieces = tokenPieces('Hello, world!');
    expect(pieces.map((p) => p.id)).toEqual([15496, 11, 995, 0]);
    expect(pieces.map((p) => p.text)).toEqual(['Hello', ',', ' world', '!']);
    expect(pieces.map((p) => [p.start, p.end])).toEqual([[0, 5], [5, 6], [6, 12], [12, 13]]);
    expect(pieces.some((p) => p.partial)).toBe(false);
  });

  it('encodes <|endoftext|> as the special token and a space + emoji as one token', () => {
    const pieces = tokenPieces('Hi 🙂<|endoftext|> there');
    expect(pieces.map((p) => p.id)).toEqual([17250, 32485, 50256, 612]);
    expect(pieces[1].text).toBe(' 🙂');
    expect(pieces[2].text).toBe('<|endoftext|>');
  });

  it('marks the tokens that share one character (🦙 is 3 tokens: f09f, a6, 99)', () => {
    const pieces = tokenPieces('a🦙b');
    expect(pieces.map((p) => p.id)).toEqual([64, 8582, 99, 247, 65]);
    expect(pieces.map((p) => p.partial)).toEqual([false, true, true, true, false]);
    expect(pieces.slice(1, 4).every((p) => p.text === '🦙' && p.start === 1 && p.end === 3)).toBe(true);
  });

  it('gives nothing for empty text', () => {
    expect(tokenPieces('')).toEqual([]);
  });
});

describe('display helpers', () => {
  it('makes whitespace visible and cycles colours', () => {
    expect(visibleText(' a\n\tb')).toBe('·a↵⇥b');
    expect(tokenColour(0)).toBe(tokenColour(8));
    expect(tokenColour(0)).not.toBe(tokenColour(1));
  });
});
