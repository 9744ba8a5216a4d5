// cl100k_base and o200k_base token for token against OpenAI's tiktoken (the Rust core, as WASM) on adversarial
// text: seeded strings of Unicode, case changes, marks, contractions, whitespace and line breaks, and every code
// point in contexts that exercise each branch of the patterns.
import { get_encoding, type Tiktoken } from 'tiktoken';
import { afterAll, describe, it } from 'vitest';
import { expectSameIds } from './expectSameIds';
import { adversarialString, seededRandom } from './random';
import { names, ours } from './tiktokenEncodings';

const tks = new Map<string, Tiktoken>(names.map((n) => [n, get_encoding(n)]));
afterAll(() => tks.forEach((t) => t.free()));

describe.each(names)('%s agrees with tiktoken', (name) => {
  const enc = ours(name);
  const tk = tks.get(name)!;
  const same = (text: string) => expectSameIds(enc.encode(text, { disallowedSpecial: [] }), tk.encode(text, [], []), text, enc);

  it('on seeded adversarial strings, with special tokens allowed and not', () => {
    const rand = seededRandom(name === 'cl100k_base' ? 77 : 78);
    for (let i = 0; i < 1000; i++) {
      const text = adversarialString(rand);
      same(text);
      expectSameIds(enc.encode(text, { allowedSpecial: 'all' }), tk.encode(text, 'all', []), text, enc);
    }
    const specials = `a<|endoftext|>b<|im_start|>user\n<|fim_prefix|>x<|endofprompt|><|im_end|><|fim_suffix|>`;
    expectSameIds(enc.encode(specials, { allowedSpecial: 'all' }), tk.encode(specials, 'all', []), specials, enc);
  });

  it('on every Unicode code point, in contexts for each alternative of the pattern', () => {
    const chunk: string[] = [];
    const flush = () => {
      same(chunk.join(''));
      chunk.length = 0;
    };
    for (let cp = 0; cp < 0x110000; cp++) {
      const c = cp >= 0xd800 && cp < 0xe000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      // after a space and letters of each case, before digits, contractions, a slash and line breaks, where
      // anything is assigned (planes 0, 1, 2, 3 to CJK extension H, 14); elsewhere one short context
      const assigned = cp < 0x20000 + 0xb000 || (cp >= 0x30000 && cp < 0x32400) || (cp >= 0xe0000 && cp < 0xe1000);
      chunk.push(assigned ? ` ${c}'s a${c}A${c}'LL ${c}1\r\n${c}/` : ` ${c}'sA${c}a`);
      if (chunk.length === 2048) flush();
    }
    flush();
  });
});
