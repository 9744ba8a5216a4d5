// GPT-2's encoding: the API (tiktoken-shaped), special tokens, errors, and the shipped data itself.
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../src/index';

const enc = getEncoding('gpt2');
const tk = get_encoding('gpt2');
afterAll(() => tk.free());

describe('getEncoding', () => {
  it('ships gpt2 (alias r50k_base) with 50,257 ids and <|endoftext|> = 50256', () => {
    expect(enc).toBeInstanceOf(Encoding);
    expect(getEncoding('r50k_base')).toBe(enc);
    expect(enc.nVocab).toBe((jsGpt2 as { explicit_n_vocab?: number }).explicit_n_vocab);
    expect(enc.eotToken).toBe(50256);
    expect([...enc.specialTokens]).toEqual([['<|endoftext|>', 50256]]);
  });

  it('names the known encodings when asked for another', () => {
    expect(() => getEncoding('cl100k_base' as 'gpt2')).toThrow(/unknown encoding "cl100k_base".*'gpt2'/);
  });

  it('has the same bytes for every rank as js-tiktoken', () => {
    const [, offset, ...b64] = jsGpt2.bpe_ranks.split(' ');
    expect(Number(offset)).toBe(0);
    expect(b64.length).toBe(50256);
    b64.forEach((t, rank) => {
      const expected = new Uint8Array(Buffer.from(t, 'base64'));
      const got = enc.decodeTokenBytes(rank);
      if (got.length !== expected.length || got.some((x, i) => x !== expected[i])) expect.fail(`rank ${rank}: ${got} vs ${expected}`);
    });
  });
});

describe('encode / decode', () => {
  it('matches tiktoken on familiar text and round-trips', () => {
    const text = 'Hello, do you like tea? In the sunlit terraces of someunknownPlace.';
    const ids = enc.encode(text);
    expect(ids).toEqual(Array.from(tk.encode(text)));
    expect(enc.decode(ids)).toBe(text);
  });

  it('encodes <|endoftext|> as 50256 only when allowed', () => {
    const text = 'Hello, do you like tea? <|endoftext|> In the sunlit terraces';
    expect(enc.encode(text, { allowedSpecial: ['<|endoftext|>'] })).toEqual(Array.from(tk.encode(text, ['<|endoftext|>'])));
    expect(enc.encode(text, { allowedSpecial: 'all' })).toContain(50256);
    expect(enc.encode(text, { allowedSpecial: new Set(['<|endoftext|>']) })).toContain(50256);
    const ordinary = enc.encode(text, { disallowedSpecial: [] });
    expect(ordinary).not.toContain(50256);
    expect(ordinary).toEqual(Array.from(tk.encode(text, [], [])));
    expect(enc.encodeOrdinary(text)).toEqual(ordinary);
    expect(enc.decode(enc.encode(text, { allowedSpecial: 'all' }))).toBe(text);
  });

  it('handles special tokens at the edges, back to back and mid-word, as tiktoken does', () => {
    for (const text of ['<|endoftext|>', '<|endoftext|><|endoftext|>', 'a<|endoftext|>b', '  <|endoftext|>  x', 'x<|endoftext|', '<|endoftext|>\n\n']) {
      expect(enc.encode(text, { allowedSpecial: 'all' })).toEqual(Array.from(tk.encode(text, 'all')));
    }
  });

  it('throws a clear error for a disallowed special token in the text', () => {
    expect(() => enc.encode('end <|endoftext|>')).toThrow(/special token "<\|endoftext\|>" at index 4, which is disallowed/);
    expect(() => tk.encode('end <|endoftext|>')).toThrow(); // tiktoken refuses it too
    expect(() => enc.encode('x', { allowedSpecial: ['<|im_start|>'] })).toThrow(/"<\|im_start\|>", which is not a special token of gpt2/);
    expect(() => enc.encode('x', { allowedSpecial: 'some' as 'all' })).toThrow(/allowedSpecial must be 'all' or a list/);
  });

  it('encodes the empty string as no tokens and decodes no tokens as the empty string', () => {
    expect(enc.encode('')).toEqual([]);
    expect(enc.decode([])).toBe('');
  });

  it('decodes typed arrays, partial characters as U+FFFD, and keeps a leading BOM', () => {
    const ids = enc.encode('\ufeffhi 😀');
    expect(enc.decode(new Uint32Array(ids))).toBe('\ufeffhi 😀');
    expect(enc.decode(ids.slice(0, -1))).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(tk.decode(new Uint32Array(ids.slice(0, -1)))));
    expect(enc.decodeBytes(ids)).toEqual(tk.decode(new Uint32Array(ids)));
  });
});

describe('errors', () => {
  it('rejects input that is not a string', () => {
    expect(() => enc.encode(42 as unknown as string)).toThrow(/encode: expected a string, got number 42/);
    expect(() => enc.encode(null as unknown as string)).toThrow(/encode: expected a string, got null/);
    expect(() => enc.encodeOrdinary(['a'] as unknown as string)).toThrow(/encodeOrdinary: expected a string, got an array/);
    expect(() => enc.encodeWithOffsets({} as unknown as string)).toThrow(/encodeWithOffsets: expected a string/);
  });

  it('rejects invalid ids in decode, naming the position and value', () => {
    expect(() => enc.decode([1, 50257])).toThrow(/decode: ids\[1\] = 50257 is out of range for gpt2 \(ids are 0..50256\)/);
    expect(() => enc.decode([-1])).toThrow(/ids\[0\] = -1 is out of range/);
    expect(() => enc.decode([1.5])).toThrow(/ids\[0\] = 1.5 is not an integer token id/);
    expect(() => enc.decode([NaN])).toThrow(/ids\[0\] = NaN is not an integer/);
    expect(() => enc.decode(['7'] as unknown as number[])).toThrow(/ids\[0\] = "7" is not an integer/);
    expect(() => enc.decode('abc' as unknown as number[])).toThrow(/decode: expected an array of token ids, got string/);
  });
});
