// The hand-written scanners of cl100k_base's, o200k_base's and Qwen2's patterns against the same patterns run by
// the JavaScript regex engine (a backtracking engine like tiktoken's), on text whose characters both know.
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { cl100kPattern, findPattern, o200kPattern, pretokenize, qwen2Pattern } from '../src/index';
import { brownText, nlpCorpusSentences, spamAssassinSample } from './corpus';
import { adversarialString, seededRandom } from './random';
import { cl100kRegex, o200kRegex, qwen2Regex, regexPieces, withoutNewerCharacters } from './reference';

const tk = get_encoding('o200k_base');
afterAll(() => tk.free());

const cases = [
  ['cl100k_base', cl100kRegex],
  ['o200k_base', o200kRegex],
  ['qwen2', qwen2Regex],
] as const;

describe('known patterns', () => {
  it('are tiktoken\'s and Hugging Face\'s sources, found by name or by source', () => {
    expect(cl100kPattern).toBe(String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`);
    expect(qwen2Pattern).toBe(cl100kPattern.replace(String.raw`\p{N}{1,3}`, String.raw`\p{N}`));
    expect(o200kPattern).toContain(String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`);
    for (const name of ['gpt2', 'cl100k_base', 'o200k_base', 'qwen2']) expect(findPattern(findPattern(name)!.source)!.name).toBe(name);
    expect(findPattern('(a+)+$')).toBeUndefined();
    expect(() => pretokenize('aaaa!', '(a+)+$')).toThrow(/pretokenize: the pre-tokenizer pattern "\(a\+\)\+\$" is not one this package knows/);
  });
});

describe.each(cases)('the %s scanner', (name, regex) => {
  it('splits like the regex on contractions, case changes, marks, digits, slashes and line breaks', () => {
    const texts = [
      "I'm sure they'LL've done it's DON'T It'S x'ſ 'ſ ''s",
      'HeLLo WORLD ǅungla ΣΑΣ Aa aA A\u0301B ab\u0301C \u0301A !\u0301 !!\u0301x',
      '12345 678x9 ٣٤٥٦ ½Ⅻ',
      'a/b//c /\n/ x\r\n/ \r\n\r\n  \n\t\n  x  \t y \u00a0z',
      '  ',
      ' ',
      '\n',
      '(hello ((hello "quoted" \'single\'',
    ];
    for (const text of texts) expect(pretokenize(text, name)).toEqual(regexPieces(text, regex));
  });

  it('splits like the regex on real text and on adversarial strings', () => {
    for (const text of [brownText().slice(0, 500_000), nlpCorpusSentences().slice(0, 5000).join('\n'), spamAssassinSample(500_000)]) {
      const safe = withoutNewerCharacters(text, tk);
      expect(pretokenize(safe, name)).toEqual(regexPieces(safe, regex));
    }
    const rand = seededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const s = withoutNewerCharacters(adversarialString(rand), tk);
      expect(pretokenize(s, name)).toEqual(regexPieces(s, regex));
    }
  });
});
