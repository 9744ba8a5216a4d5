// Hugging Face loaders, on files this test writes itself: GPT-2's vocab.json + merges.txt and tokenizer.json,
// converted from js-tiktoken's gpt2 ranks with GPT-2's bytes_to_unicode, must encode exactly as tiktoken does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import { get_encoding } from 'tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToUnicode, fromHFTokenizerJson, fromHFVocabMerges, getEncoding } from '../src/index';
import { spamAssassinSample } from './corpus';
import { adversarialString, seededRandom } from './random';

const tk = get_encoding('gpt2');
let dir = '';
let vocabJson = '';
let mergesTxt = '';
let tokenizerJson: Record<string, unknown>;

/** GPT-2's bytes_to_unicode, written out as in OpenAI's encoder.py. */
function referenceBytesToUnicode(): string[] {
  const bs: number[] = [];
  for (const [lo, hi] of [[0x21, 0x7e], [0xa1, 0xac], [0xae, 0xff]]) for (let b = lo; b <= hi; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) bs.push(b), cs.push(256 + n++);
  const out: string[] = [];
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i])));
  return out;
}

/** vocab.json + merges.txt from js-tiktoken's ranks. A rank's merge is the last step of tiktoken's BPE on its bytes
 *  using only lower ranks. */
function writeHFFiles(): void {
  const [, , ...b64] = jsGpt2.bpe_ranks.split(' ');
  const ranks = b64.map((t) => Buffer.from(t, 'base64').toString('latin1'));
  const rankOf = new Map(ranks.map((s, r) => [s, r]));
  const b2u = referenceBytesToUnicode();
  const show = (s: string) => Array.from(s, (c) => b2u[c.charCodeAt(0)]).join('');
  const vocab: Record<string, number> = {};
  ranks.forEach((s, r) => (vocab[show(s)] = r));
  vocab['<|endoftext|>'] = 50256;
  const merges: string[] = [];
  for (let r = 256; r < ranks.length; r++) {
    let parts = Array.from(ranks[r]);
    while (parts.length > 2) {
      let at = -1;
      let best = r;
      for (let i = 0; i + 1 < parts.length; i++) {
        const x = rankOf.get(parts[i] + parts[i + 1]);
        if (x !== undefined && x < best) [at, best] = [i, x];
      }
      parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
    }
    merges.push(`${show(parts[0])} ${show(parts[1])}`);
  }
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
  writeFileSync(join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
  const model = { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges };
  const tokenizer = {
    version: '1.0',
    added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model,
  };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-tokenizer-hf-'));
  writeHFFiles();
  vocabJson = readFileSync(join(dir, 'vocab.json'), 'utf8');
  mergesTxt = readFileSync(join(dir, 'merges.txt'), 'utf8');
  tokenizerJson = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  tk.free();
});

function expectTiktokenEncodings(enc: ReturnType<typeof getEncoding>): void {
  const rand = seededRandom(21);
  const texts = [spamAssassinSample(1_000_000), ...Array.from({ length: 300 }, () => adversarialString(rand))];
  for (const text of texts) {
    expect(enc.encode(text, { disallowedSpecial: [] })).toEqual(Array.from(tk.encode(text, [], [])));
  }
  expect(enc.encode('a<|endoftext|>b', { allowedSpecial: 'all' })).toEqual([64, 50256, 65]);
}

describe('bytesToUnicode', () => {
  it('is GPT-2\'s byte-to-character map', () => {
    expect(bytesToUnicode()).toEqual(referenceBytesToUnicode());
    expect(bytesToUnicode()[32]).toBe('Ġ');
  });
});

describe('fromHFVocabMerges', () => {
  it('loads GPT-2\'s vocab.json + merges.txt and encodes exactly as tiktoken', () => {
    const enc = fromHFVocabMerges(vocabJson, mergesTxt, { name: 'gpt2-hf' });
    expect(enc.nVocab).toBe(50257);
    expect(enc.eotToken).toBe(50256);
    expectTiktokenEncodings(enc);
  });

  it('names the problem in a malformed vocabulary or merges file', () => {
    const vocab = JSON.parse(vocabJson);
    expect(() => fromHFVocabMerges('{"a": 1', mergesTxt)).toThrow(/vocab.json: not valid JSON/);
    expect(() => fromHFVocabMerges(vocabJson, '#version: 0.2\nĠ t\nĠ t h\n')).toThrow(/merges.txt: line 3 must be two tokens separated by one space, got "Ġ t h"/);
    expect(() => fromHFVocabMerges(vocabJson, 'Ġ qqqqzz')).toThrow(/line 1 \("Ġ qqqqzz"\): "qqqqzz" is not in the vocabulary/);
    expect(() => fromHFVocabMerges(vocabJson, '#version: 0.2\nĠ t\nzq j')).toThrow(/merges.txt: line 3 \("zq j"\): "zq" is not in the vocabulary/);
    expect(() => fromHFVocabMerges(vocabJson, [['Ġ', 't'], ['zq', 'j']] as unknown as string[])).toThrow(/merge 1 \("zq j"\): "zq" is not/);
    expect(() => fromHFVocabMerges(vocabJson, 'x yz')).toThrow(/the merged token "xyz" is not in the vocabulary/);
    expect(() => fromHFVocabMerges({ ...vocab, 'a b': 60000 }, mergesTxt)).toThrow(/token "a b" has " ", which is not in GPT-2's byte-to-unicode map/);
    expect(() => fromHFVocabMerges({ ...vocab, x: 'one' }, mergesTxt)).toThrow(/token "x" has invalid id "one"/);
    const { Ġ: _, ...noSpace } = vocab;
    expect(() => fromHFVocabMerges(noSpace, [])).toThrow(/byte 0x20 has no token/);
    expect(() => fromHFVocabMerges(vocabJson, mergesTxt, { specialTokens: ['<|pad|>'] })).toThrow(/special token "<\|pad\|>" is not in the vocabulary/);
  });
});

describe('fromHFTokenizerJson', () => {
  it('loads GPT-2\'s tokenizer.json (merges as strings or as pairs) and encodes exactly as tiktoken', () => {
    const enc = fromHFTokenizerJson(JSON.stringify(tokenizerJson));
    expect(enc.specialTokens.get('<|endoftext|>')).toBe(50256);
    expectTiktokenEncodings(enc);
    const model = tokenizerJson.model as { merges: string[] };
    const pairs = { ...tokenizerJson, model: { ...model, merges: model.merges.map((m) => m.split(' ')) } };
    const text = spamAssassinSample(200_000);
    expect(fromHFTokenizerJson(pairs).encode(text, { disallowedSpecial: [] })).toEqual(Array.from(tk.encode(text, [], [])));
  });

  it('runs a Split regex that is not a known pattern only when the caller allows it, and honours ignore_merges', () => {
    const model = tokenizerJson.model as Record<string, unknown>;
    const json = {
      ...tokenizerJson,
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: '\\s+|\\S+' }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
        ],
      },
      model: { ...model, ignore_merges: true },
    };
    expect(() => fromHFTokenizerJson(json)).toThrow(
      /tokenizer.json: pre_tokenizer.pretokenizers\[0\].pattern.Regex: the pre-tokenizer pattern "\\\\s\+\|\\\\S\+" is not one this package knows/,
    );
    const enc = fromHFTokenizerJson(json, { allowCustomPattern: true });
    expect(enc.pattern).toBe('\\s+|\\S+');
    // this pattern keeps the spaces apart from the words: pieces that GPT-2's pattern would not make
    const text = 'say  hello world';
    const expected = ['say', '  ', 'hello', ' ', 'world'].flatMap((p) => Array.from(tk.encode(p)));
    expect(expected).not.toEqual(Array.from(tk.encode(text)));
    expect(enc.encode(text)).toEqual(expected);
  });

  it('names what is not supported or malformed', () => {
    const model = tokenizerJson.model as Record<string, unknown>;
    expect(() => fromHFTokenizerJson('nope')).toThrow(/tokenizer.json: not valid JSON/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, model: { ...model, type: 'WordPiece' } })).toThrow(/tokenizer.json: model.type is "WordPiece"; only "BPE" models load/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, model: { ...model, byte_fallback: true } })).toThrow(/byte_fallback is not supported/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, normalizer: { type: 'NFC' } })).toThrow(/normalizer "NFC" is not supported/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, pre_tokenizer: { type: 'Whitespace' } })).toThrow(/tokenizer.json: pre_tokenizer.type "Whitespace" is not supported/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true } })).toThrow(/pre_tokenizer.add_prefix_space true is not supported/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, added_tokens: [{ id: 1 }] })).toThrow(/tokenizer.json: added_tokens\[0\].content must be a non-empty string, got missing/);
    expect(() => fromHFTokenizerJson({ ...tokenizerJson, model: { ...model, merges: [42] } })).toThrow(/model.merges: merge 0 must be "left right" or \[left, right\], got 42/);
  });
});
