// The tables behind an encoding, built and checked once from its token list.
import { TokenTable } from './tokenTable';

export interface EncodingSpec {
  /** Shown in errors and saved files, e.g. 'gpt2'. */
  name: string;
  /** Bytes of each ordinary token by id; leave undefined the ids of special tokens (and any unused id). */
  tokens: ReadonlyArray<Uint8Array | undefined>;
  /** Special tokens (text -> id), matched in text only when allowed, e.g. { '<|endoftext|>': 50256 }. */
  specialTokens?: Record<string, number>;
  /** The pre-tokenizer: 'gpt2' (the default), 'cl100k_base', 'o200k_base', 'qwen2', or one of their regular
   *  expressions written exactly (see knownPatterns). Each runs as a linear-time scanner. */
  pattern?: string;
  /** Let `pattern` be any other regular expression, run by the JavaScript engine. Only for patterns written in
   *  code: a pattern from a file can backtrack exponentially (`(a+)+$`) and stall the process. */
  allowCustomPattern?: boolean;
  /** Merge order as token-id pairs (Hugging Face merges.txt). Without it, a pair merges by the rank (id) of its
   *  concatenation, as tiktoken does, and a pre-token that is a whole token maps to it directly. */
  merges?: ReadonlyArray<readonly [number, number]>;
  /** With merges: still map a pre-token that is a whole token directly (Hugging Face's ignore_merges). */
  ignoreMerges?: boolean;
}

export interface VocabTables {
  nVocab: number;
  /** Bytes of every id (special tokens as their UTF-8), id i at tokenBytes[tokenStart[i], tokenStart[i + 1]). */
  tokenBytes: Uint8Array;
  tokenStart: Int32Array;
  byteToId: Int32Array;
  /** 1 for ids of ordinary tokens (not special, not unused). */
  ordinary: Uint8Array;
  /** Ordinary token bytes -> id. */
  table: TokenTable;
  maxTokenBytes: number;
  specialTokens: Map<string, number>;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

export function buildTables(spec: EncodingSpec): VocabTables {
  const { name, tokens } = spec;
  if (typeof name !== 'string' || name === '') throw new Error('Encoding: spec.name must be a non-empty string');
  if (!tokens || typeof tokens.length !== 'number') throw new Error(`Encoding ${name}: spec.tokens must be an array of Uint8Array`);
  const specialTokens = new Map<string, number>();
  let nVocab = tokens.length;
  for (const [text, id] of Object.entries(spec.specialTokens ?? {})) {
    if (text === '') throw new Error(`Encoding ${name}: a special token has empty text`);
    if (!Number.isInteger(id) || id < 0) throw new Error(`Encoding ${name}: special token ${JSON.stringify(text)} has invalid id ${id}`);
    if (tokens[id] !== undefined) throw new Error(`Encoding ${name}: special token ${JSON.stringify(text)} reuses id ${id} of an ordinary token`);
    for (const [other, otherId] of specialTokens) {
      if (otherId === id) throw new Error(`Encoding ${name}: special tokens ${JSON.stringify(other)} and ${JSON.stringify(text)} share id ${id}`);
    }
    specialTokens.set(text, id);
    nVocab = Math.max(nVocab, id + 1);
  }
  const specialBytes = new Map<number, Uint8Array>();
  for (const [text, id] of specialTokens) specialBytes.set(id, new TextEncoder().encode(text));

  let total = 0;
  for (let id = 0; id < nVocab; id++) total += (tokens[id] ?? specialBytes.get(id))?.length ?? 0;
  const tokenBytes = new Uint8Array(total);
  const tokenStart = new Int32Array(nVocab + 1);
  const ordinary = new Uint8Array(nVocab);
  const byteToId = new Int32Array(256).fill(-1);
  let maxTokenBytes = 0;
  let at = 0;
  for (let id = 0; id < nVocab; id++) {
    tokenStart[id] = at;
    const t = tokens[id];
    if (t === undefined || t === null) {
      const s = specialBytes.get(id);
      if (s) tokenBytes.set(s, at);
      at += s?.length ?? 0;
      continue;
    }
    if (!(t instanceof Uint8Array)) throw new Error(`Encoding ${name}: token ${id} is not a Uint8Array`);
    if (t.length === 0) throw new Error(`Encoding ${name}: token ${id} is empty`);
    tokenBytes.set(t, at);
    at += t.length;
    ordinary[id] = 1;
    if (t.length === 1) byteToId[t[0]] = id;
    if (t.length > maxTokenBytes) maxTokenBytes = t.length;
  }
  tokenStart[nVocab] = at;
  const table = new TokenTable(tokenBytes, tokenStart, nVocab);
  for (let id = 0; id < nVocab; id++) {
    if (ordinary[id] === 0) continue;
    const dup = table.add(id);
    if (dup >= 0) throw new Error(`Encoding ${name}: tokens ${dup} and ${id} have the same bytes (${hex(tokens[id]!)})`);
  }
  const missing = byteToId.indexOf(-1);
  if (missing >= 0) {
    throw new Error(`Encoding ${name}: byte 0x${missing.toString(16).padStart(2, '0')} has no token; a byte-level BPE needs all 256 single bytes`);
  }
  return { nVocab, tokenBytes, tokenStart, byteToId, ordinary, table, maxTokenBytes, specialTokens };
}
