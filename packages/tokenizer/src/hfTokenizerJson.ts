// Hugging Face tokenizer.json for byte-level BPE models (GPT-2, Llama 3, Qwen2/2.5/3, SmolLM2), validated field
// by field: every error names the file and the field. The pre-tokenizer must be one this package runs with a
// linear-time scanner (see patterns.ts): ByteLevel (GPT-2's pattern), Split(regex) + ByteLevel with a known regex
// (Llama 3, Qwen2), or Digits(individual) + ByteLevel (SmolLM2). Strings or parsed objects in, so it runs in
// browsers too.
import type { Encoding } from './encoding';
import { fromParts, parseJson, parseMerges } from './hf';
import { gpt2DigitsPattern, knownPatterns, unknownPatternError } from './patterns';

type Json = Record<string, unknown>;

export interface HFAddedToken {
  id: number;
  content: string;
  /** Special tokens are skipped by Hugging Face's decode(skip_special_tokens); others (Qwen3's <think>) are not. */
  special: boolean;
}

export interface HFTokenizer {
  encoding: Encoding;
  /** Every added token; all of them are special tokens of `encoding` (encode with allowedSpecial: 'all' to match
   *  them in text as Hugging Face does). */
  addedTokens: HFAddedToken[];
  /** Ids the post-processor puts around a single text (Llama 3: [<|begin_of_text|>] before, none after). */
  prefixIds: number[];
  suffixIds: number[];
  /** The known pre-tokenizer: 'gpt2', 'cl100k_base' (Llama 3), 'qwen2', 'gpt2-digits' (SmolLM2), 'o200k_base'. */
  preTokenizer: string;
}

export interface HFTokenizerOptions {
  /** The encoding's name (default 'hf-bpe'). */
  name?: string;
  /** The file's name in errors (default 'tokenizer.json'). */
  where?: string;
  /** Let a Split regex that is not a known pattern run on the JavaScript regex engine. Only for files you trust:
   *  such a regex can backtrack exponentially and stall the process. */
  allowCustomPattern?: boolean;
}

const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v)?.slice(0, 120) ?? String(v));

class Fields {
  constructor(readonly where: string) {}
  fail(field: string, message: string): never {
    throw new Error(`${this.where}: ${field} ${message}`);
  }
  object(v: unknown, field: string): Json {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, `must be an object, got ${show(v)}`);
    return v as Json;
  }
  /** Passes when v is absent/null or one of the values; else names the field as unsupported. */
  oneOf(v: unknown, field: string, allowed: readonly unknown[], why = 'is not supported'): void {
    if (v !== undefined && v !== null && !allowed.includes(v)) this.fail(field, `${show(v)} ${why} (supported: ${allowed.map(show).join(', ')} or absent)`);
  }
}

function byteLevel(f: Fields, p: Json, field: string, useRegex: boolean): void {
  f.oneOf(p.add_prefix_space, `${field}.add_prefix_space`, [false]);
  f.oneOf(p.trim_offsets, `${field}.trim_offsets`, [true, false]);
  const regex = p.use_regex ?? true;
  if (regex !== useRegex) {
    f.fail(`${field}.use_regex`, useRegex ? `is ${show(p.use_regex)}: a ByteLevel without a Split before it must split with GPT-2's regex (use_regex: true)` : `is ${show(p.use_regex)}: after a Split, ByteLevel must not split again (use_regex: false)`);
  }
}

/** The known pattern a pre_tokenizer stands for. */
function preTokenizerPattern(f: Fields, pre: unknown, allowCustom: boolean): string {
  if (pre === null || pre === undefined) f.fail('pre_tokenizer', 'is missing: a byte-level BPE needs ByteLevel (possibly after a Split)');
  const p = f.object(pre, 'pre_tokenizer');
  if (p.type === 'ByteLevel') {
    byteLevel(f, p, 'pre_tokenizer', true);
    return 'gpt2';
  }
  if (p.type !== 'Sequence') f.fail('pre_tokenizer.type', `${show(p.type)} is not supported (supported: ByteLevel, or a Sequence of Split + ByteLevel or Digits + ByteLevel)`);
  const steps = p.pretokenizers;
  if (!Array.isArray(steps) || steps.length !== 2) f.fail('pre_tokenizer.pretokenizers', `must be two steps (Split or Digits, then ByteLevel), got ${show(steps)}`);
  const first = f.object(steps[0], 'pre_tokenizer.pretokenizers[0]');
  const last = f.object(steps[1], 'pre_tokenizer.pretokenizers[1]');
  if (last.type !== 'ByteLevel') f.fail('pre_tokenizer.pretokenizers[1].type', `must be "ByteLevel", got ${show(last.type)}`);
  if (first.type === 'Digits') {
    if (first.individual_digits !== true) f.fail('pre_tokenizer.pretokenizers[0].individual_digits', `must be true, got ${show(first.individual_digits)}`);
    byteLevel(f, last, 'pre_tokenizer.pretokenizers[1]', true);
    return gpt2DigitsPattern;
  }
  if (first.type !== 'Split') f.fail('pre_tokenizer.pretokenizers[0].type', `must be "Split" or "Digits", got ${show(first.type)}`);
  byteLevel(f, last, 'pre_tokenizer.pretokenizers[1]', false);
  const field = 'pre_tokenizer.pretokenizers[0]';
  if (first.behavior !== 'Isolated') f.fail(`${field}.behavior`, `must be "Isolated", got ${show(first.behavior)}`);
  if (first.invert !== false && first.invert !== undefined) f.fail(`${field}.invert`, `must be false, got ${show(first.invert)}`);
  const pattern = f.object(first.pattern, `${field}.pattern`);
  const regex = pattern.Regex;
  if (typeof regex !== 'string') f.fail(`${field}.pattern`, `must be {"Regex": "..."}, got ${show(pattern)}`);
  if (!knownPatterns.some((k) => k.source === regex) && !allowCustom) throw unknownPatternError(regex, `${f.where}: ${field}.pattern.Regex`);
  return regex;
}

function addedTokens(f: Fields, added: unknown): HFAddedToken[] {
  if (added === undefined || added === null) return [];
  if (!Array.isArray(added)) f.fail('added_tokens', `must be an array, got ${show(added)}`);
  const seen = new Map<string, number>();
  return added.map((t, i) => {
    const field = `added_tokens[${i}]`;
    const o = f.object(t, field);
    if (!Number.isInteger(o.id) || (o.id as number) < 0) f.fail(`${field}.id`, `must be a non-negative integer, got ${show(o.id)}`);
    if (typeof o.content !== 'string' || o.content === '') f.fail(`${field}.content`, `must be a non-empty string, got ${show(o.content)}`);
    if (seen.has(o.content)) f.fail(`${field}.content`, `${show(o.content)} is already added_tokens[${seen.get(o.content)}]`);
    seen.set(o.content, i);
    if (o.special !== undefined && typeof o.special !== 'boolean') f.fail(`${field}.special`, `must be true or false, got ${show(o.special)}`);
    return { id: o.id as number, content: o.content, special: o.special !== false };
  });
}

/** Ids the post-processor adds around one text: TemplateProcessing's "single" (ByteLevel adds none). */
function postProcessorIds(f: Fields, post: unknown, ids: Map<string, number>, field = 'post_processor'): { prefixIds: number[]; suffixIds: number[] } {
  const none = { prefixIds: [], suffixIds: [] };
  if (post === undefined || post === null) return none;
  const p = f.object(post, field);
  if (p.type === 'ByteLevel') return none;
  if (p.type === 'Sequence') {
    if (!Array.isArray(p.processors)) f.fail(`${field}.processors`, `must be an array, got ${show(p.processors)}`);
    const parts = p.processors.map((q, i) => postProcessorIds(f, q, ids, `${field}.processors[${i}]`));
    return { prefixIds: parts.flatMap((q) => q.prefixIds), suffixIds: parts.flatMap((q) => q.suffixIds) };
  }
  if (p.type !== 'TemplateProcessing') f.fail(`${field}.type`, `${show(p.type)} is not supported (supported: TemplateProcessing, ByteLevel, Sequence)`);
  if (!Array.isArray(p.single)) f.fail(`${field}.single`, `must be an array, got ${show(p.single)}`);
  const out = { prefixIds: [] as number[], suffixIds: [] as number[] };
  let seenText = false;
  p.single.forEach((piece, i) => {
    const o = f.object(piece, `${field}.single[${i}]`);
    if ('Sequence' in o) {
      if (seenText) f.fail(`${field}.single[${i}]`, 'is a second Sequence; a single text has one');
      seenText = true;
      return;
    }
    const special = f.object(o.SpecialToken, `${field}.single[${i}].SpecialToken`);
    const id = ids.get(special.id as string);
    if (id === undefined) f.fail(`${field}.single[${i}].SpecialToken.id`, `${show(special.id)} is not a token of this file`);
    (seenText ? out.suffixIds : out.prefixIds).push(id);
  });
  if (!seenText) f.fail(`${field}.single`, 'has no {"Sequence": ...} for the text');
  return out;
}

function checkDecoder(f: Fields, decoder: unknown, field = 'decoder'): void {
  if (decoder === undefined || decoder === null) return;
  const d = f.object(decoder, field);
  if (d.type === 'ByteLevel') return;
  if (d.type === 'Sequence' && Array.isArray(d.decoders) && d.decoders.length === 1) return checkDecoder(f, d.decoders[0], `${field}.decoders[0]`);
  f.fail(`${field}.type`, `${show(d.type)} is not supported (a byte-level BPE decodes with ByteLevel)`);
}

/** A Hugging Face tokenizer.json (string or parsed) with a byte-level BPE model, and what it says around the
 *  encoding: added tokens, the ids the post-processor adds (Llama 3's BOS), the pre-tokenizer. */
export function loadHFTokenizerJson(json: unknown, options: HFTokenizerOptions = {}): HFTokenizer {
  const where = options.where ?? 'tokenizer.json';
  const f = new Fields(where);
  const data = parseJson(json, where);
  if (Object.keys(data).length === 0) throw new Error(`${where}: is an empty object, not a tokenizer (it needs "model", "pre_tokenizer" and "added_tokens")`);
  if (data.model === undefined) f.fail('model', 'is missing: is this a tokenizer.json?');
  const model = f.object(data.model, 'model');
  if (model.type !== undefined && model.type !== 'BPE') f.fail('model.type', `is ${show(model.type)}; only "BPE" models load`);
  if (model.byte_fallback === true) f.fail('model.byte_fallback', 'is not supported (that is a SentencePiece-style BPE, not byte-level)');
  for (const field of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[field]) f.fail(`model.${field}`, `${show(model[field])} is not supported`);
  }
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) f.fail('model.dropout', `${show(model.dropout)} is not supported (BPE dropout is for training)`);
  if (model.ignore_merges !== undefined && typeof model.ignore_merges !== 'boolean') f.fail('model.ignore_merges', `must be true or false, got ${show(model.ignore_merges)}`);
  if (data.normalizer !== undefined && data.normalizer !== null) {
    f.fail('normalizer', `${show((data.normalizer as Json)?.type ?? data.normalizer)} is not supported (byte-level BPE has none)`);
  }
  const vocab = f.object(model.vocab, 'model.vocab');
  if (model.merges === undefined) f.fail('model.merges', 'is missing');
  const merges = parseMerges(model.merges, `${where} model.merges`);
  const added = addedTokens(f, data.added_tokens);
  const pattern = preTokenizerPattern(f, data.pre_tokenizer, options.allowCustomPattern === true);
  checkDecoder(f, data.decoder);
  const specials = new Map(added.map((t) => [t.content, t.id]));
  const encoding = fromParts({
    vocab,
    merges,
    specials,
    where,
    name: options.name ?? 'hf-bpe',
    pattern,
    ignoreMerges: model.ignore_merges === true,
    allowCustomPattern: options.allowCustomPattern,
  });
  const ids = new Map<string, number>(Object.entries(vocab) as Array<[string, number]>);
  for (const t of added) ids.set(t.content, t.id);
  const { prefixIds, suffixIds } = postProcessorIds(f, data.post_processor, ids);
  return { encoding, addedTokens: added, prefixIds, suffixIds, preTokenizer: encoding.patternName };
}

/** The encoding of a Hugging Face tokenizer.json (see loadHFTokenizerJson). Added tokens become special tokens. */
export function fromHFTokenizerJson(json: string | Record<string, unknown>, options: HFTokenizerOptions = {}): Encoding {
  return loadHFTokenizerJson(json, options).encoding;
}
