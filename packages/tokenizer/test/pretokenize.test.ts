// The hand-written scanner against GPT-2's pattern run by the JavaScript regex engine.
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { gpt2Pattern, gpt2Pretokenize } from '../src/index';
import { spamAssassinSample } from './corpus';
import { adversarialString, seededRandom } from './random';
import { regexPretokenize, withoutNewerLetters } from './reference';

const tk = get_encoding('gpt2');
afterAll(() => tk.free());

describe('gpt2Pretokenize', () => {
  it('exports the pattern tiktoken uses for gpt2', () => {
    expect(gpt2Pattern).toBe(String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`);
  });

  it('splits like the regex on contractions, whitespace runs and punctuation', () => {
    for (const text of ["I'm sure they'll've done it's", "'s''s 'S x's", 'a  b   c\n\n d \t\te  ', '  ', ' ', '!!! ?? a--b', '12345 678x9']) {
      expect(gpt2Pretokenize(text)).toEqual(regexPretokenize(text));
    }
  });

  it('splits like the regex on emails and on adversarial strings', () => {
    const text = spamAssassinSample(1_000_000);
    expect(gpt2Pretokenize(text)).toEqual(regexPretokenize(text));
    const rand = seededRandom(5);
    for (let i = 0; i < 1000; i++) {
      const s = withoutNewerLetters(adversarialString(rand), tk);
      expect(gpt2Pretokenize(s)).toEqual(regexPretokenize(s));
    }
  });
});
