// cl100k_base and o200k_base token for token against gpt-tokenizer (pure JavaScript, with its own copy of the
// ranks) on real multi-megabyte text: the Brown corpus, nlp-corpus's sentences and the Spam Assassin emails,
// plus seeded adversarial strings. gpt-tokenizer runs the patterns with the JavaScript regex engine, which differs
// from tiktoken's Rust regex on U+0085 and U+FEFF (JavaScript's \s is not Unicode's White_Space) and on
// characters newer than tiktoken's Unicode; tiktoken is the reference there (agreement-tiktoken-unicode.test.ts),
// so here those two are replaced by spaces (and the raw text that has them is checked against tiktoken), and the
// adversarial strings leave out the newer characters too.
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { brownText, nlpCorpusSentences, spamAssassinTexts } from './corpus';
import { expectSameIds } from './expectSameIds';
import { adversarialString, seededRandom } from './random';
import { withoutNewerCharacters } from './reference';
import { gptTokenizer, names, ours } from './tiktokenEncodings';

const tks = Object.fromEntries(names.map((n) => [n, get_encoding(n)]));
const tk = tks.o200k_base;
afterAll(() => Object.values(tks).forEach((t) => t.free()));
const jsSpaces = /[\u0085\ufeff]/g;
const hasJsSpace = /[\u0085\ufeff]/;
const none = { disallowedSpecial: new Set<string>() };

describe.each(names)('%s agrees with gpt-tokenizer', (name) => {
  const enc = ours(name);
  const ref = gptTokenizer[name];
  const same = (raw: string) => {
    const ids = enc.encode(raw, { disallowedSpecial: [] });
    if (!hasJsSpace.test(raw)) {
      expectSameIds(ids, ref.encode(raw, none), raw, enc);
      return ids;
    }
    expectSameIds(ids, tks[name].encode(raw, [], []), raw, enc);
    const text = raw.replace(jsSpaces, ' ');
    expectSameIds(enc.encode(text, { disallowedSpecial: [] }), ref.encode(text, none), text, enc);
    return ids;
  };

  it('on the Brown corpus (6 MB), and decodes it back', () => {
    const text = brownText();
    expect(text.length).toBeGreaterThan(6_000_000);
    expect(enc.decode(same(text))).toBe(text);
  });

  it("on the first 50,000 of nlp-corpus's 100,000 sentences (3.9 MB, joined by newlines)", () => {
    const text = nlpCorpusSentences().slice(0, 50_000).join('\n');
    expect(text.length).toBeGreaterThan(3_500_000);
    same(text);
  });

  it('on the first 600 Spam Assassin emails (about 2.5 MB), one by one', () => {
    let chars = 0;
    for (const text of spamAssassinTexts().slice(0, 600)) {
      expect(enc.decode(same(text))).toBe(text);
      chars += text.length;
    }
    expect(chars).toBeGreaterThan(2_000_000);
  });

  it('on seeded adversarial strings without U+0085, U+FEFF and characters newer than tiktoken', () => {
    const rand = seededRandom(name === 'cl100k_base' ? 17 : 18);
    for (let i = 0; i < 500; i++) same(withoutNewerCharacters(adversarialString(rand), tk));
  });
});
