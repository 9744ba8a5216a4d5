// tiktoken rank files (".tiktoken": one "<base64 token bytes> <rank>" a line), the format of OpenAI's
// cl100k_base / o200k_base files and of Llama 3's tokenizer.model, and the encodings built from them. The ranks
// are not bundled (5 MB for o200k_base): pass the file's text or bytes, read however you like.
import { Encoding } from './encoding';
import { base64Decode } from './utf8';

export type TiktokenEncodingName = 'cl100k_base' | 'o200k_base' | 'llama3';

interface TiktokenEncodingInfo {
  pattern: string;
  ranks: number;
  specialTokens: Record<string, number>;
  /** Where the rank file comes from. */
  file: string;
}

/** Llama 3.1 / 3.2's 256 special tokens (ids 128000-128255) as their Hugging Face tokenizer.json names them
 *  (Meta's tokenizer.py calls 128005 <|step_id|> and 128011 <|image|>, and numbers the reserved ones from there). */
function llama3Specials(): Record<string, number> {
  const named = [
    '<|begin_of_text|>',
    '<|end_of_text|>',
    '<|reserved_special_token_0|>',
    '<|reserved_special_token_1|>',
    '<|finetune_right_pad_id|>',
    '<|reserved_special_token_2|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|eom_id|>',
    '<|eot_id|>',
    '<|python_tag|>',
  ];
  const all = [...named, ...Array.from({ length: 256 - named.length }, (_, i) => `<|reserved_special_token_${3 + i}|>`)];
  return Object.fromEntries(all.map((t, i) => [t, 128000 + i]));
}

export const tiktokenEncodings: Record<TiktokenEncodingName, TiktokenEncodingInfo> = {
  cl100k_base: {
    pattern: 'cl100k_base',
    ranks: 100256,
    // tiktoken's own (gpt-tokenizer adds <|im_start|> 100264, <|im_end|> 100265, <|im_sep|> 100266)
    specialTokens: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
    file: 'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken (also in gpt-tokenizer/data/)',
  },
  o200k_base: {
    pattern: 'o200k_base',
    ranks: 199998,
    // tiktoken's own (gpt-tokenizer numbers its chat tokens 200000-200006 instead, <|endofprompt|> as 200006)
    specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
    file: 'https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken (also in gpt-tokenizer/data/)',
  },
  llama3: {
    pattern: 'cl100k_base',
    ranks: 128000,
    specialTokens: llama3Specials(),
    file: "Llama 3's original/tokenizer.model",
  },
};

/** Token bytes by rank from a rank file's text or bytes; `where` names the file in errors. */
export function parseTiktokenRanks(file: string | Uint8Array, where = 'tiktoken rank file'): Array<Uint8Array | undefined> {
  if (typeof file !== 'string' && !(file instanceof Uint8Array)) {
    throw new TypeError(`${where}: expected the file's text (a string) or bytes (a Uint8Array), got ${file === null ? 'null' : typeof file}`);
  }
  const text = typeof file === 'string' ? file : new TextDecoder('utf-8', { fatal: false }).decode(file);
  const tokens: Array<Uint8Array | undefined> = [];
  let line = 0;
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    line++;
    const row = text.charCodeAt(nl - 1) === 13 ? text.slice(at, nl - 1) : text.slice(at, nl);
    at = nl + 1;
    if (row === '') continue;
    const space = row.indexOf(' ');
    const rankText = row.slice(space + 1);
    if (space <= 0 || !/^\d{1,9}$/.test(rankText)) {
      throw new Error(`${where}: line ${line} must be "<base64 bytes> <rank>", got ${JSON.stringify(row.slice(0, 80))}`);
    }
    const rank = Number(rankText);
    let bytes: Uint8Array;
    try {
      bytes = base64Decode(row.slice(0, space));
    } catch (e) {
      throw new Error(`${where}: line ${line}: ${(e as Error).message}`);
    }
    if (bytes.length === 0) throw new Error(`${where}: line ${line}: rank ${rank} has no bytes`);
    if (tokens[rank] !== undefined) throw new Error(`${where}: line ${line}: rank ${rank} appears twice`);
    tokens[rank] = bytes;
  }
  if (tokens.length === 0) throw new Error(`${where}: no ranks (an empty file?)`);
  return tokens;
}

export interface TiktokenOptions {
  /** The encoding's name (default: 'tiktoken'). */
  name?: string;
  /** A known pre-tokenizer pattern by name or source: 'gpt2', 'cl100k_base', 'o200k_base', 'qwen2'. */
  pattern: string;
  /** Special tokens (text -> id), usually numbered after the ranks. */
  specialTokens?: Record<string, number>;
}

/** An encoding from any tiktoken rank file, with the pattern and special tokens you give. */
export function fromTiktokenRanks(file: string | Uint8Array, options: TiktokenOptions, where = 'tiktoken rank file'): Encoding {
  const tokens = parseTiktokenRanks(file, where);
  try {
    return new Encoding({ name: options.name ?? 'tiktoken', tokens, specialTokens: options.specialTokens, pattern: options.pattern });
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/** cl100k_base, o200k_base or Llama 3's encoding from its rank file, with the encoding's pattern and special tokens
 *  (tiktoken's, or `options.specialTokens` instead); identical to tiktoken's encodings. The file must have exactly
 *  the encoding's rank count. */
export function loadTiktokenEncoding(name: TiktokenEncodingName, file: string | Uint8Array, options: { specialTokens?: Record<string, number> } = {}): Encoding {
  const info = tiktokenEncodings[name];
  if (!info) throw new Error(`loadTiktokenEncoding: unknown encoding ${JSON.stringify(name)}; known: ${Object.keys(tiktokenEncodings).join(', ')}`);
  const where = `${name} rank file`;
  const tokens = parseTiktokenRanks(file, where);
  const present = tokens.reduce((n, t) => n + (t ? 1 : 0), 0);
  if (tokens.length !== info.ranks || present !== info.ranks) {
    throw new Error(`${where}: has ${present} ranks (0..${tokens.length - 1}), ${name} has ${info.ranks} (0..${info.ranks - 1}): is it the rank file of another encoding? ${name}'s is ${info.file}`);
  }
  try {
    return new Encoding({ name, tokens, specialTokens: options.specialTokens ?? info.specialTokens, pattern: info.pattern });
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
