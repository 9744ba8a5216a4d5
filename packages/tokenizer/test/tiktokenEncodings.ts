// cl100k_base and o200k_base built by our loader from the rank files gpt-tokenizer ships (data/*.tiktoken), and
// the reference implementations to compare them with: tiktoken (OpenAI's Rust core, as WASM) and gpt-tokenizer.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as gptTokCl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as gptTokO200k from 'gpt-tokenizer/encoding/o200k_base';
import { type Encoding, loadTiktokenEncoding } from '../src/index';

export type Name = 'cl100k_base' | 'o200k_base';
export const names: Name[] = ['cl100k_base', 'o200k_base'];

const require = createRequire(import.meta.url);

/** The text of gpt-tokenizer's rank file for `name`. */
export function rankFile(name: Name): string {
  // gpt-tokenizer's exports map has no package.json entry; its main file is esm/main.js
  return readFileSync(join(dirname(require.resolve('gpt-tokenizer')), '..', 'data', `${name}.tiktoken`), 'utf8');
}

const loaded = new Map<Name, Encoding>();

export function ours(name: Name): Encoding {
  let enc = loaded.get(name);
  if (!enc) loaded.set(name, (enc = loadTiktokenEncoding(name, rankFile(name))));
  return enc;
}

export const gptTokenizer = { cl100k_base: gptTokCl100k, o200k_base: gptTokO200k };
