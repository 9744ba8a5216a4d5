// Saving an encoding as JSON and loading it back (strings in, strings out, so it works in browsers too).
import { Encoding } from './encoding';
import { base64Decode, base64Encode } from './utf8';
import type { EncodingSpec } from './vocab';

export const encodingFormat = 'llm-tokenizer-bpe';

export interface EncodingJSON {
  format: typeof encodingFormat;
  version: 1;
  name: string;
  pattern: string;
  /** Base64 bytes of each ordinary token by id; null for special and unused ids. */
  tokens: Array<string | null>;
  specialTokens: Record<string, number>;
  merges?: Array<[number, number]>;
  ignoreMerges?: boolean;
}

/** The encoding as a JSON string that loadEncoding() reads back. */
export function saveEncoding(enc: Encoding): string {
  if (!(enc instanceof Encoding)) throw new TypeError('saveEncoding: expected an Encoding');
  const spec = enc.exportSpec();
  const json: EncodingJSON = {
    format: encodingFormat,
    version: 1,
    name: spec.name,
    pattern: spec.pattern ?? 'gpt2',
    tokens: Array.from(spec.tokens, (t) => (t ? base64Encode(t) : null)),
    specialTokens: spec.specialTokens ?? {},
    ...(spec.merges ? { merges: spec.merges.map(([a, b]) => [a, b] as [number, number]) } : {}),
    ...(spec.ignoreMerges ? { ignoreMerges: true } : {}),
  };
  return JSON.stringify(json);
}

function fail(message: string): never {
  throw new Error(`loadEncoding: ${message}`);
}

/** An encoding from saveEncoding()'s JSON (a string or the parsed object). Its pattern must be a known one
 *  (knownPatterns) unless `allowCustomPattern` says you trust the file's regular expression. */
export function loadEncoding(json: string | EncodingJSON, options: { allowCustomPattern?: boolean } = {}): Encoding {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('expected a JSON object');
  const d = data as Record<string, unknown>;
  if (d.format !== encodingFormat) fail(`"format" must be "${encodingFormat}", got ${JSON.stringify(d.format)}`);
  if (d.version !== 1) fail(`unsupported "version" ${JSON.stringify(d.version)} (this package reads version 1)`);
  if (typeof d.name !== 'string' || d.name === '') fail('"name" must be a non-empty string');
  if (typeof d.pattern !== 'string') fail('"pattern" must be a string');
  if (!Array.isArray(d.tokens)) fail('"tokens" must be an array');
  const tokens = d.tokens.map((t: unknown, i: number) => {
    if (t === null) return undefined;
    if (typeof t !== 'string' || t === '') fail(`tokens[${i}] must be a non-empty base64 string or null`);
    try {
      return base64Decode(t);
    } catch (e) {
      return fail(`tokens[${i}]: ${(e as Error).message}`);
    }
  });
  const specials = d.specialTokens ?? {};
  if (typeof specials !== 'object' || specials === null || Array.isArray(specials)) fail('"specialTokens" must be an object of text -> id');
  let merges: EncodingSpec['merges'];
  if (d.merges !== undefined) {
    if (!Array.isArray(d.merges)) fail('"merges" must be an array of [left id, right id]');
    merges = d.merges.map((m: unknown, i: number) => {
      if (!Array.isArray(m) || m.length !== 2) fail(`merges[${i}] must be [left id, right id], got ${JSON.stringify(m)}`);
      return [m[0], m[1]] as [number, number];
    });
  }
  try {
    return new Encoding({
      name: d.name,
      tokens,
      specialTokens: specials as Record<string, number>,
      pattern: d.pattern,
      allowCustomPattern: options.allowCustomPattern === true,
      merges,
      ignoreMerges: d.ignoreMerges === true,
    });
  } catch (e) {
    return fail((e as Error).message);
  }
}
