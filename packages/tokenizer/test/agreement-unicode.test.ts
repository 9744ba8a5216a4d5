// Token-for-token agreement with OpenAI's tiktoken (the Rust core, as WASM) and js-tiktoken on adversarial
// text. tiktoken is the reference. js-tiktoken follows the JavaScript engine's regex, which differs from
// tiktoken's Rust regex on U+0085 and U+FEFF (JavaScript's \s is not Unicode's White_Space) and on letters
// newer than tiktoken's Unicode version (Node 20.20 knows Unicode 17).
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import { get_encoding } from 'tiktoken';
import { afterAll, describe, it } from 'vitest';
import { getEncoding } from '../src/index';
import { expectSameIds as expectSame } from './expectSameIds';
import { adversarialString, seededRandom } from './random';
import { withoutNewerLetters } from './reference';

const enc = getEncoding('gpt2');
const tk = get_encoding('gpt2');
afterAll(() => tk.free());

describe('gpt2 agrees with tiktoken', () => {
  it('on seeded adversarial strings (Unicode, whitespace runs, digits, contractions, surrogates)', () => {
    const rand = seededRandom(1234);
    for (let i = 0; i < 2000; i++) {
      const text = adversarialString(rand);
      expectSame(enc.encode(text, { disallowedSpecial: [] }), tk.encode(text, [], []), text);
      expectSame(enc.encode(text, { allowedSpecial: 'all' }), tk.encode(text, 'all', []), text);
    }
  });

  it("on every Unicode code point, after a space, before digits and before 's", () => {
    const chunk: string[] = [];
    const flush = () => {
      const text = chunk.join('');
      expectSame(enc.encode(text), tk.encode(text), text);
      chunk.length = 0;
    };
    for (let cp = 0; cp < 0x110000; cp++) {
      const c = cp >= 0xd800 && cp < 0xe000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      chunk.push(`${c}'s ${c}1`);
      if (chunk.length === 4096) flush();
    }
    flush();
  });

  it('after its caches (pre-tokens, pairs) fill up and start over', () => {
    const rand = seededRandom(42);
    const word = (len: number) => Array.from({ length: len }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
    const short = Array.from({ length: 210_000 }, () => ' ' + word(6)).join('');
    const long = Array.from({ length: 11_000 }, () => ' ' + word(200)).join('');
    for (const text of [short, long, short]) expectSame(enc.encode(text), tk.encode(text), text);
  });
});

describe('gpt2 agrees with js-tiktoken', () => {
  const js = new JsTiktoken(jsGpt2);

  it('on seeded adversarial strings without U+0085, U+FEFF and letters unknown to tiktoken', () => {
    const rand = seededRandom(99);
    for (let i = 0; i < 500; i++) {
      const text = withoutNewerLetters(adversarialString(rand), tk).replace(/[\u0085\ufeff]/g, 'x');
      expectSame(enc.encode(text, { allowedSpecial: 'all' }), js.encode(text, 'all', []), text);
    }
  });
});
