// Loading tiktoken rank files: the encodings' rank counts and special tokens, Llama 3's tokenizer.model (a rank
// file of 128,000 ranks; here a stand-in made from o200k_base's first ranks, since Meta's file cannot be
// downloaded here), and errors that name the file, the line and what is wrong.
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { fromTiktokenRanks, loadTiktokenEncoding, parseTiktokenRanks, tiktokenEncodings } from '../src/index';
import { ours, rankFile } from './tiktokenEncodings';

const tk = get_encoding('cl100k_base');
afterAll(() => tk.free());

describe('loadTiktokenEncoding', () => {
  it('builds cl100k_base and o200k_base with tiktoken\'s special tokens', () => {
    const cl = ours('cl100k_base');
    expect(cl.nVocab).toBe(100277);
    expect(cl.eotToken).toBe(100257);
    expect(cl.patternName).toBe('cl100k_base');
    expect(cl.encode('hello world')).toEqual(Array.from(tk.encode('hello world')));
    expect(cl.encode('<|fim_prefix|>a<|endofprompt|>', { allowedSpecial: 'all' })).toEqual([100258, 64, 100276]);
    const o = ours('o200k_base');
    expect(o.nVocab).toBe(200019);
    expect(o.eotToken).toBe(199999);
    expect([...o.specialTokens]).toEqual([['<|endoftext|>', 199999], ['<|endofprompt|>', 200018]]);
  });

  it('accepts bytes as well as text, and other special tokens', () => {
    const bytes = new TextEncoder().encode(rankFile('cl100k_base'));
    const enc = loadTiktokenEncoding('cl100k_base', bytes, { specialTokens: { '<|im_start|>': 100264 } });
    expect(enc.encode('<|im_start|>hi', { allowedSpecial: 'all' })).toEqual([100264, 6151]);
  });

  it("builds Llama 3's encoding from a 128,000-rank file, with Llama 3.2's special tokens", () => {
    const file = rankFile('o200k_base').split('\n').slice(0, 128000).join('\n');
    const llama = loadTiktokenEncoding('llama3', file);
    expect(llama.nVocab).toBe(128256);
    const specials = tiktokenEncodings.llama3.specialTokens;
    expect(specials['<|begin_of_text|>']).toBe(128000);
    expect(specials['<|eot_id|>']).toBe(128009);
    expect(specials['<|start_header_id|>']).toBe(128006);
    expect(specials['<|eom_id|>']).toBe(128008);
    expect(specials['<|reserved_special_token_3|>']).toBe(128011);
    expect(specials['<|reserved_special_token_247|>']).toBe(128255);
    const text = '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there!<|eot_id|>';
    const ids = llama.encode(text, { allowedSpecial: 'all' });
    expect(ids.slice(0, 2)).toEqual([128000, 128006]);
    expect(llama.decode(ids)).toBe(text);
    expect(llama.patternName).toBe('cl100k_base');
    expect(llama.decode(ids.slice(2, 3))).toBe('user');
  });

  it('names the file, the line and the problem', () => {
    expect(() => loadTiktokenEncoding('o200k_base', rankFile('cl100k_base'))).toThrow(
      /o200k_base rank file: has 100256 ranks \(0..100255\), o200k_base has 199998 \(0..199997\): is it the rank file of another encoding\?/,
    );
    expect(() => parseTiktokenRanks('IQ== 0\nIg==1\n', 'tokenizer.model')).toThrow(/tokenizer.model: line 2 must be "<base64 bytes> <rank>", got "Ig==1"/);
    expect(() => parseTiktokenRanks('IQ== 0\nI*== 1\n')).toThrow(/tiktoken rank file: line 2: base64: invalid character "\*"/);
    expect(() => parseTiktokenRanks('IQ== 0\nIQ== 0\n')).toThrow(/line 2: rank 0 appears twice/);
    expect(() => parseTiktokenRanks('')).toThrow(/no ranks \(an empty file\?\)/);
    expect(() => parseTiktokenRanks(null as unknown as string)).toThrow(/expected the file's text \(a string\) or bytes \(a Uint8Array\), got null/);
    expect(() => loadTiktokenEncoding('p50k' as 'llama3', '')).toThrow(/unknown encoding "p50k"; known: cl100k_base, o200k_base, llama3/);
    const bytes = Array.from({ length: 256 }, (_, b) => `${btoa(String.fromCharCode(b))} ${b}`).join('\n');
    expect(() => fromTiktokenRanks(bytes, { pattern: '(a+)+$' }, 'my.tiktoken')).toThrow(/my.tiktoken: Encoding tiktoken: the pre-tokenizer pattern "\(a\+\)\+\$" is not one this package knows/);
    expect(fromTiktokenRanks(bytes, { pattern: 'o200k_base', name: 'bytes' }).encode('hi')).toEqual([104, 105]);
  });
});
