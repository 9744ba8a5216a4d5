// Loading Hugging Face byte-level BPE files: GPT-2's vocab.json + merges.txt (tokenizer.json is in hfTokenizerJson.ts).
// Loaders take strings or parsed objects, so they run in browsers too; read the files however you like.
import { Encoding } from './encoding';

let byteChars: string[] | undefined;
let charBytes: Map<string, number> | undefined;

/** GPT-2's bytes_to_unicode(): the printable character that stands for each byte in vocab.json and merges.txt
 *  (printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100..U+0143). Index = byte. */
export function bytesToUnicode(): string[] {
  if (byteChars) return byteChars.slice();
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCharCode(printable(b) ? b : 256 + n++);
  byteChars = chars;
  charBytes = new Map(chars.map((c, b) => [c, b]));
  return chars.slice();
}

/** Bytes of a vocab.json token string (each character maps back to one byte). */
function tokenBytes(token: string, where: string): Uint8Array {
  if (!charBytes) bytesToUnicode();
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = charBytes!.get(token[i]);
    if (b === undefined) {
      throw new Error(`${where}: token ${JSON.stringify(token)} has ${JSON.stringify(token[i])}, which is not in GPT-2's byte-to-unicode map`);
    }
    out[i] = b;
  }
  return out;
}

export function parseJson(json: unknown, where: string): Record<string, unknown> {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${where}: expected a JSON object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
  }
  return data as Record<string, unknown>;
}

export interface HFLoadOptions {
  name?: string;
  /** Vocabulary entries that are special tokens. Default: those written like <|...|> (GPT-2's <|endoftext|>). */
  specialTokens?: readonly string[];
  /** Pre-tokenizer pattern: a known one ('gpt2', the default, 'cl100k_base', 'o200k_base', 'qwen2'). */
  pattern?: string;
  /** Let `pattern` be another regular expression (code only; see EncodingSpec.allowCustomPattern). */
  allowCustomPattern?: boolean;
}

export interface BpeParts {
  vocab: Record<string, unknown>;
  merges: ReadonlyArray<Merge>;
  specials: Map<string, number>;
  where: string;
  name: string;
  pattern: string;
  ignoreMerges?: boolean;
  allowCustomPattern?: boolean;
}

/** Builds the encoding from a vocabulary (token string -> id), merges (token string pairs) and special tokens. */
export function fromParts({ vocab, merges, specials, where, name, pattern, ignoreMerges, allowCustomPattern }: BpeParts): Encoding {
  const tokens: Uint8Array[] = [];
  const idOf = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new Error(`${where}: token ${JSON.stringify(token)} has invalid id ${JSON.stringify(id)}`);
    if (specials.has(token)) continue;
    if (tokens[id as number] !== undefined) throw new Error(`${where}: id ${id} is given to two tokens`);
    tokens[id as number] = tokenBytes(token, where);
    idOf.set(token, id as number);
  }
  const pairs = merges.map(({ left, right, at }): [number, number] => {
    const what = `${where}: ${at} (${JSON.stringify(`${left} ${right}`)})`;
    for (const t of [left, right]) if (!idOf.has(t)) throw new Error(`${what}: ${JSON.stringify(t)} is not in the vocabulary`);
    if (!idOf.has(left + right)) throw new Error(`${what}: the merged token ${JSON.stringify(left + right)} is not in the vocabulary`);
    return [idOf.get(left)!, idOf.get(right)!];
  });
  try {
    return new Encoding({ name, tokens, specialTokens: Object.fromEntries(specials), pattern, merges: pairs, ignoreMerges, allowCustomPattern });
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/** A merge and where it was written: "line 3" of merges.txt text, or "merge 2" of an array. */
export interface Merge {
  left: string;
  right: string;
  at: string;
}

/** Merges from merges.txt text (a '#version' line, then "left right" per line) or its lines / pairs. */
export function parseMerges(merges: unknown, where: string): Merge[] {
  const fromText = typeof merges === 'string';
  const lines = fromText ? merges.split(/\r?\n/) : merges;
  if (!Array.isArray(lines)) throw new Error(`${where}: merges must be the text of merges.txt or an array of merges`);
  const out: Merge[] = [];
  lines.forEach((line: unknown, i: number) => {
    const at = fromText ? `line ${i + 1}` : `merge ${i}`;
    if (Array.isArray(line) && line.length === 2 && typeof line[0] === 'string' && typeof line[1] === 'string') {
      out.push({ left: line[0], right: line[1], at });
      return;
    }
    if (typeof line !== 'string') throw new Error(`${where}: ${at} must be "left right" or [left, right], got ${JSON.stringify(line)}`);
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`${where}: ${at} must be two tokens separated by one space, got ${JSON.stringify(line)}`);
    }
    out.push({ left: parts[0], right: parts[1], at });
  });
  return out;
}

/** GPT-2-style vocab.json (string or object) + merges.txt (string or lines), as Hugging Face's GPT2Tokenizer. */
export function fromHFVocabMerges(vocabJson: string | Record<string, number>, mergesTxt: string | readonly string[], options: HFLoadOptions = {}): Encoding {
  const vocab = parseJson(vocabJson, 'vocab.json');
  const merges = parseMerges(mergesTxt, 'merges.txt');
  const specialNames = options.specialTokens ?? Object.keys(vocab).filter((t) => /^<\|.+\|>$/.test(t));
  const specials = new Map<string, number>();
  for (const s of specialNames) {
    if (!(s in vocab)) throw new Error(`vocab.json: special token ${JSON.stringify(s)} is not in the vocabulary`);
    specials.set(s, vocab[s] as number);
  }
  return fromParts({
    vocab,
    merges,
    specials,
    where: 'vocab.json/merges.txt',
    name: options.name ?? 'hf-bpe',
    pattern: options.pattern ?? 'gpt2',
    allowCustomPattern: options.allowCustomPattern,
  });
}

