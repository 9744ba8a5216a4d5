// tokenizer.json files shaped like Llama 3's (Split with cl100k's regex + ByteLevel, TemplateProcessing adding
// <|begin_of_text|>), Qwen2's (Split with one digit a piece) and SmolLM2's (Digits + ByteLevel), written here from
// tiktoken's cl100k_base and gpt2 ranks, so that tiktoken is the reference: Llama 3's pattern is cl100k_base's,
// and the other two split a text into pieces that tiktoken then encodes one by one. Then every field's validation.
import { get_encoding } from 'tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHFTokenizerJson, qwen2Pattern, cl100kPattern } from '../src/index';
import { brownText, spamAssassinSample } from './corpus';
import { expectSameIds } from './expectSameIds';
import { ranksOfTiktokenFile, vocabAndMerges } from './hfFromRanks';
import { adversarialString, seededRandom } from './random';
import { qwen2Regex, regexPieces, withoutNewerCharacters } from './reference';
import { rankFile } from './tiktokenEncodings';

const cl = get_encoding('cl100k_base');
const gpt2 = get_encoding('gpt2');
const o200k = get_encoding('o200k_base');
afterAll(() => [cl, gpt2, o200k].forEach((t) => t.free()));

const split = (regex: string) => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false });
const byteLevel = (useRegex: boolean) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
const added = (id: number, content: string, special = true) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special });

let llama: Record<string, unknown>;
let gpt2Model: Record<string, unknown>;

beforeAll(() => {
  const { vocab, merges } = vocabAndMerges(ranksOfTiktokenFile(rankFile('cl100k_base')));
  llama = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(100257, '<|begin_of_text|>'), added(100258, '<|eot_id|>'), added(100259, '<think>', false)],
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [split(cl100kPattern), byteLevel(false)] },
    post_processor: {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|begin_of_text|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [], special_tokens: {} },
      ],
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges },
  };
  const small = vocabAndMerges(Array.from({ length: 50256 }, (_, r) => Buffer.from(gpt2.decode_single_token_bytes(r)).toString('latin1')));
  gpt2Model = { type: 'BPE', vocab: small.vocab, merges: small.merges };
});

function texts(): string[] {
  const rand = seededRandom(5);
  return [brownText().slice(0, 200_000), spamAssassinSample(200_000), ...Array.from({ length: 150 }, () => withoutNewerCharacters(adversarialString(rand), o200k))];
}

describe('loadHFTokenizerJson', () => {
  it("loads a Llama 3-shaped file: cl100k_base's pattern, added tokens, the BOS its post-processor adds", () => {
    const hf = loadHFTokenizerJson(JSON.stringify(llama), { name: 'llama-like' });
    expect(hf.preTokenizer).toBe('cl100k_base');
    expect(hf.prefixIds).toEqual([100257]);
    expect(hf.suffixIds).toEqual([]);
    expect(hf.addedTokens.map((t) => [t.content, t.special])).toEqual([['<|begin_of_text|>', true], ['<|eot_id|>', true], ['<think>', false]]);
    for (const text of texts()) expectSameIds(hf.encoding.encode(text, { disallowedSpecial: [] }), cl.encode(text, [], []), text, hf.encoding);
    expect(hf.encoding.encode('<|begin_of_text|>hi<think><|eot_id|>', { allowedSpecial: 'all' })).toEqual([100257, 6151, 100259, 100258]);
  });

  it("loads a Qwen2-shaped file (one digit a piece) and a SmolLM2-shaped one (Digits, then GPT-2's pattern)", () => {
    const qwen = loadHFTokenizerJson({ ...llama, pre_tokenizer: { type: 'Sequence', pretokenizers: [split(qwen2Pattern), byteLevel(false)] }, post_processor: null });
    expect(qwen.preTokenizer).toBe('qwen2');
    expect(qwen.prefixIds).toEqual([]);
    const smol = loadHFTokenizerJson({ model: gpt2Model, added_tokens: [added(50256, '<|endoftext|>')], pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(true)] } });
    expect(smol.preTokenizer).toBe('gpt2-digits');
    for (const text of [...texts(), 'a  1 22\n 333x4 ', '12 apples, 3.14']) {
      const qwenRef = regexPieces(text, qwen2Regex).flatMap((p) => Array.from(cl.encode(p, [], [])));
      expectSameIds(qwen.encoding.encode(text, { disallowedSpecial: [] }), qwenRef, text, qwen.encoding);
      const smolRef = text.split(/(\p{N})/u).flatMap((p) => Array.from(gpt2.encode(p, [], [])));
      expectSameIds(smol.encoding.encode(text, { disallowedSpecial: [] }), smolRef, text, smol.encoding);
    }
  });

  it('names the file and the field of whatever is missing, malformed or unsupported', () => {
    const bad = (patch: Record<string, unknown>) => () => loadHFTokenizerJson({ ...llama, ...patch }, { where: 'models/x/tokenizer.json' });
    const model = llama.model as Record<string, unknown>;
    const pre = llama.pre_tokenizer as { pretokenizers: Array<Record<string, unknown>> };
    expect(() => loadHFTokenizerJson('null')).toThrow(/^tokenizer.json: expected a JSON object, got null$/);
    expect(() => loadHFTokenizerJson(null)).toThrow(/tokenizer.json: expected a JSON object, got null/);
    expect(() => loadHFTokenizerJson('{}')).toThrow(/tokenizer.json: is an empty object, not a tokenizer/);
    expect(() => loadHFTokenizerJson('[]')).toThrow(/tokenizer.json: expected a JSON object, got an array/);
    expect(() => loadHFTokenizerJson({ version: '1.0' })).toThrow(/tokenizer.json: model is missing: is this a tokenizer.json\?/);
    expect(bad({ model: null })).toThrow(/models\/x\/tokenizer.json: model must be an object, got null/);
    expect(bad({ model: { ...model, vocab: [] } })).toThrow(/models\/x\/tokenizer.json: model.vocab must be an object, got \[\]/);
    expect(bad({ model: { ...model, merges: undefined } })).toThrow(/model.merges is missing/);
    expect(bad({ model: { ...model, dropout: 0.1 } })).toThrow(/model.dropout 0.1 is not supported/);
    expect(bad({ model: { ...model, ignore_merges: 'yes' } })).toThrow(/model.ignore_merges must be true or false, got "yes"/);
    expect(bad({ added_tokens: {} })).toThrow(/added_tokens must be an array, got \{\}/);
    expect(bad({ added_tokens: [added(-1, 'x')] })).toThrow(/added_tokens\[0\].id must be a non-negative integer, got -1/);
    expect(bad({ added_tokens: [added(100257, 'x'), added(100258, 'x')] })).toThrow(/added_tokens\[1\].content "x" is already added_tokens\[0\]/);
    expect(bad({ added_tokens: [{ ...added(100257, 'x'), special: 'no' }] })).toThrow(/added_tokens\[0\].special must be true or false, got "no"/);
    expect(bad({ pre_tokenizer: null })).toThrow(/models\/x\/tokenizer.json: pre_tokenizer is missing/);
    expect(bad({ pre_tokenizer: { type: 'Sequence', pretokenizers: [pre.pretokenizers[0]] } })).toThrow(/pre_tokenizer.pretokenizers must be two steps/);
    expect(bad({ pre_tokenizer: { type: 'Sequence', pretokenizers: [pre.pretokenizers[0], byteLevel(true)] } })).toThrow(
      /pre_tokenizer.pretokenizers\[1\].use_regex is true: after a Split, ByteLevel must not split again/,
    );
    expect(bad({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ ...pre.pretokenizers[0], behavior: 'Removed' }, byteLevel(false)] } })).toThrow(
      /pre_tokenizer.pretokenizers\[0\].behavior must be "Isolated", got "Removed"/,
    );
    expect(bad({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ ...pre.pretokenizers[0], pattern: { String: ' ' } }, byteLevel(false)] } })).toThrow(
      /pre_tokenizer.pretokenizers\[0\].pattern must be \{"Regex": "..."\}, got \{"String":" "\}/,
    );
    expect(bad({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: false }, byteLevel(true)] } })).toThrow(
      /pre_tokenizer.pretokenizers\[0\].individual_digits must be true, got false/,
    );
    expect(bad({ post_processor: { type: 'BertProcessing' } })).toThrow(/post_processor.type "BertProcessing" is not supported/);
    expect(bad({ post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>' } }, { Sequence: { id: 'A' } }] } })).toThrow(
      /post_processor.single\[0\].SpecialToken.id "<s>" is not a token of this file/,
    );
    expect(bad({ decoder: { type: 'Metaspace' } })).toThrow(/decoder.type "Metaspace" is not supported/);
    expect(bad({ normalizer: { type: 'NFC' } })).toThrow(/normalizer "NFC" is not supported/);
  });

  it('refuses a pattern that would backtrack for ever, at once and naming it', () => {
    const evil = { ...llama, pre_tokenizer: { type: 'Sequence', pretokenizers: [split('(a+)+$'), byteLevel(false)] } };
    expect(() => loadHFTokenizerJson(evil)).toThrow(/tokenizer.json: pre_tokenizer.pretokenizers\[0\].pattern.Regex: the pre-tokenizer pattern "\(a\+\)\+\$" is not one this package knows/);
    // the check compares strings: nothing runs the pattern, so this returns at once instead of hanging
  });
});
