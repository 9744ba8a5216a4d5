// Token-for-token agreement with OpenAI's tiktoken (the Rust core, as WASM) and js-tiktoken on real text:
// all 6,046 Spam Assassin emails (32 MB of headers, HTML, base64 and many languages).
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../src/index';
import { spamAssassinSample, spamAssassinTexts } from './corpus';
import { expectSameIds as expectSame } from './expectSameIds';

const enc = getEncoding('gpt2');
const tk = get_encoding('gpt2');
afterAll(() => tk.free());

describe('gpt2 agrees with tiktoken', () => {
  it('on every Spam Assassin email, and decodes each back to its text', () => {
    const texts = spamAssassinTexts();
    expect(texts.length).toBeGreaterThan(6000);
    let tokens = 0;
    for (const text of texts) {
      const ours = enc.encode(text, { disallowedSpecial: [] });
      expectSame(ours, tk.encode(text, [], []), text);
      expect(enc.decode(ours)).toBe(text);
      tokens += ours.length;
    }
    expect(tokens).toBeGreaterThan(10_000_000);
  });
});

describe('gpt2 agrees with js-tiktoken', () => {
  const js = new JsTiktoken(jsGpt2);

  it('on 2 MB of emails', () => {
    const text = spamAssassinSample(2_000_000);
    expectSame(enc.encode(text, { disallowedSpecial: [] }), js.encode(text, [], []), text);
  });
});
