// BPE training against a naive reference trainer, and saving / loading encodings as JSON.
import { get_encoding } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { getEncoding, loadEncoding, saveEncoding, trainBPE } from '../src/index';
import { spamAssassinSample, spamAssassinTexts } from './corpus';
import { adversarialString, seededRandom } from './random';
import { naiveTrain } from './reference';

const corpus = spamAssassinSample(60_000);

function tokenList(enc: ReturnType<typeof trainBPE>, n: number): number[][] {
  return Array.from({ length: n }, (_, id) => Array.from(enc.decodeTokenBytes(id)));
}

describe('trainBPE', () => {
  it('learns the same merges as a naive trainer that recounts every pair', () => {
    const enc = trainBPE(corpus, { vocabSize: 600 });
    expect(enc.nVocab).toBe(600);
    expect(tokenList(enc, 600)).toEqual(naiveTrain([corpus], 600 - 256));
  });

  it('learns from several texts', () => {
    const texts = ['abc abc abc abc', 'bc bc bc bc bc bc', 'xabc xabc', 'zab zab zab zab zab'];
    const enc = trainBPE(texts, { vocabSize: 264 });
    expect(tokenList(enc, enc.nVocab)).toEqual(naiveTrain(texts, 264 - 256));
  });

  it('gives special tokens the ids after the merges and does not learn from their text', () => {
    const text = spamAssassinTexts().slice(0, 20).join('<|endoftext|>');
    const enc = trainBPE(text, { vocabSize: 400, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(enc.nVocab).toBe(400);
    expect(enc.eotToken).toBe(398);
    expect(enc.specialTokens.get('<|pad|>')).toBe(399);
    const withoutSpecials = spamAssassinTexts().slice(0, 20);
    expect(tokenList(enc, 398)).toEqual(naiveTrain(withoutSpecials, 398 - 256));
    const ids = enc.encode('Hi<|endoftext|>there', { allowedSpecial: 'all' });
    expect(ids).toContain(398);
    expect(enc.decode(ids)).toBe('Hi<|endoftext|>there');
  });

  it('round-trips any text, including text it never saw (lone surrogates come back as U+FFFD)', () => {
    const enc = trainBPE(corpus, { vocabSize: 500 });
    const rand = seededRandom(11);
    for (const text of [corpus, 'héllo wörld 日本 😀', ...Array.from({ length: 50 }, () => adversarialString(rand))]) {
      const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
      expect(enc.decode(enc.encode(text, { disallowedSpecial: [] }))).toBe(wellFormed);
    }
    expect(enc.encode(corpus).length).toBeLessThan(new TextEncoder().encode(corpus).length / 1.5);
  });

  it('stops early when no pair is left, and checks its options', () => {
    expect(trainBPE('aaaa', { vocabSize: 1000 }).nVocab).toBe(258); // "aa", then "aaaa"
    expect(() => trainBPE('x', { vocabSize: 100 })).toThrow(/vocabSize must be an integer from 256/);
    expect(() => trainBPE('x', { vocabSize: 256, specialTokens: ['<|a|>'] })).toThrow(/from 257 \(256 bytes \+ special tokens\)/);
    expect(() => trainBPE([1] as unknown as string[], { vocabSize: 300 })).toThrow(/expected a string or an array of strings/);
  });
});

describe('saveEncoding / loadEncoding', () => {
  it('restores a trained encoding with the same tokens', () => {
    const enc = trainBPE(corpus, { vocabSize: 700, specialTokens: ['<|endoftext|>'], name: 'emails' });
    const json = saveEncoding(enc);
    for (const back of [loadEncoding(json), loadEncoding(JSON.parse(json))]) {
      expect(back.name).toBe('emails');
      expect(back.nVocab).toBe(700);
      expect(back.eotToken).toBe(699);
      expect(tokenList(back, 699)).toEqual(naiveTrain([corpus], 699 - 256));
    }
  });

  it('restores gpt2 itself, which still encodes as tiktoken does', () => {
    const back = loadEncoding(saveEncoding(getEncoding('gpt2')));
    const text = spamAssassinSample(300_000) + '<|endoftext|>';
    const tk = get_encoding('gpt2');
    expect(back.encode(text, { allowedSpecial: 'all' })).toEqual(Array.from(tk.encode(text, 'all')));
    tk.free();
    expect(back.eotToken).toBe(50256);
  });

  it('names what is wrong in a malformed file', () => {
    const good = JSON.parse(saveEncoding(trainBPE('abc abc', { vocabSize: 258 })));
    const bad = (patch: object) => JSON.stringify({ ...good, ...patch });
    expect(() => loadEncoding('{oops')).toThrow(/loadEncoding: not valid JSON/);
    expect(() => loadEncoding('[1]')).toThrow(/loadEncoding: expected a JSON object/);
    expect(() => loadEncoding(bad({ format: 'x' }))).toThrow(/"format" must be "llm-tokenizer-bpe", got "x"/);
    expect(() => loadEncoding(bad({ version: 2 }))).toThrow(/unsupported "version" 2/);
    expect(() => loadEncoding(bad({ tokens: 'abc' }))).toThrow(/"tokens" must be an array/);
    expect(() => loadEncoding(bad({ tokens: [...good.tokens.slice(0, -1), 'a*b='] }))).toThrow(/tokens\[257\]: base64: invalid character "\*"/);
    expect(() => loadEncoding(bad({ tokens: [...good.tokens, good.tokens[65]] }))).toThrow(/tokens 65 and 258 have the same bytes \(41\)/);
    expect(() => loadEncoding(bad({ tokens: good.tokens.slice(1) }))).toThrow(/byte 0x00 has no token/);
    expect(() => loadEncoding(bad({ specialTokens: { '<|x|>': 5 } }))).toThrow(/special token "<\|x\|>" reuses id 5/);
    expect(() => loadEncoding(bad({ merges: [[97, 999]] }))).toThrow(/merge 0 names 999, which is not an ordinary token id/);
    expect(() => loadEncoding(bad({ pattern: '(' }))).toThrow(/the pre-tokenizer pattern "\(" is not one this package knows/);
    expect(() => loadEncoding(bad({ pattern: '(' }), { allowCustomPattern: true })).toThrow(/invalid pattern "\("/);
  });
});
