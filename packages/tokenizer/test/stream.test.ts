// Token offsets and streaming decode, checked against tiktoken's bytes for each token.
import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../src/index';
import { spamAssassinSample } from './corpus';
import { adversarialString, seededRandom } from './random';

const enc = getEncoding('gpt2');
const tk = get_encoding('gpt2');
afterAll(() => tk.free());
const utf8 = new TextEncoder();

/** [start, end) of each token from tiktoken's token bytes: the characters whose UTF-8 bytes it overlaps. */
function referenceOffsets(text: string, ids: number[]): Array<[number, number]> {
  // UTF-16 index where each UTF-8 byte's character starts and ends (lone surrogates are 3-byte U+FFFD).
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const nBytes = utf8.encode(String.fromCodePoint(cp >= 0xd800 && cp < 0xe000 ? 0xfffd : cp)).length;
    for (let b = 0; b < nBytes; b++) {
      starts.push(i);
      ends.push(i + width);
    }
    i += width;
  }
  let pos = 0;
  return ids.map((id) => {
    const len = tk.decode_single_token_bytes(id).length;
    const span: [number, number] = [starts[pos], ends[pos + len - 1]];
    pos += len;
    return span;
  });
}

describe('encodeWithOffsets', () => {
  it('gives the ids of encode and, for ASCII, the exact text of each token', () => {
    const text = "Hello, world! It's 2024 -- tokens   and\n\nwhitespace.";
    const { ids, offsets } = enc.encodeWithOffsets(text);
    expect(ids).toEqual(Array.from(tk.encode(text)));
    ids.forEach((id, k) => expect(text.slice(...offsets[k])).toBe(new TextDecoder().decode(tk.decode_single_token_bytes(id))));
  });

  it('covers a character split across tokens from each of them, on emails and adversarial text', () => {
    const rand = seededRandom(7);
    const texts = [spamAssassinSample(200_000), '😀 日本語 e\u0301 \ud800x', ...Array.from({ length: 200 }, () => adversarialString(rand))];
    for (const text of texts) {
      const { ids, offsets } = enc.encodeWithOffsets(text, { disallowedSpecial: [] });
      expect(ids).toEqual(Array.from(tk.encode(text, [], [])));
      expect(offsets).toEqual(referenceOffsets(text, ids));
    }
  });

  it('gives a special token the span of its text', () => {
    const text = 'a<|endoftext|>b';
    const { ids, offsets } = enc.encodeWithOffsets(text, { allowedSpecial: 'all' });
    expect(ids).toEqual([64, 50256, 65]);
    expect(offsets).toEqual([[0, 1], [1, 14], [14, 15]]);
  });
});

describe('streamDecoder', () => {
  it('holds back an unfinished character and yields it once complete', () => {
    const ids = enc.encode('😀');
    expect(ids.length).toBeGreaterThan(1); // the emoji's 4 bytes span several GPT-2 tokens
    const d = enc.streamDecoder();
    const pieces = ids.map((id) => d.push(id));
    expect(pieces.slice(0, -1).every((p) => p === '')).toBe(true);
    expect(pieces.at(-1)).toBe('😀');
    expect(d.flush()).toBe('');
  });

  it('yields exactly the text of tiktoken\'s decode, token by token, on real and adversarial text', () => {
    const rand = seededRandom(3);
    for (const text of [spamAssassinSample(100_000), ...Array.from({ length: 100 }, () => adversarialString(rand))]) {
      const ids = enc.encode(text, { disallowedSpecial: [] });
      const d = enc.streamDecoder();
      let out = '';
      for (const id of ids) out += d.push(id);
      out += d.flush();
      expect(out).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(tk.decode(new Uint32Array(ids))));
    }
  });

  it('flushes an unfinished character as U+FFFD, and rejects invalid ids', () => {
    const ids = enc.encode('😀');
    const d = enc.streamDecoder();
    expect(d.pushAll(ids.slice(0, -1))).toBe('');
    expect(d.flush()).toBe('\ufffd');
    expect(() => d.push(60000)).toThrow(/streamDecoder.push: id 60000 is out of range/);
  });
});
