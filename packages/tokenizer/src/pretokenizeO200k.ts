// The pre-tokenizer of o200k_base (GPT-4o) as a hand-written scanner. It matches
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//  |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// exactly as tiktoken's Rust regex does, backtracking included: the first alternative gives back "upper"
// characters until a "lower" one can follow, and marks (\p{M}) are in both sets but are not letters.
import { codePointAt, contractionEnd, LOWER_SET, OTHERISH, runEnd, whitespaceEnd } from './scan';
import { CAT_CASELESS, CAT_LOWER, CAT_MARK, CAT_NUMBER, CAT_OTHER, CAT_SPACE, CAT_UPPER } from './unicode';

export const o200kPattern = [
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`\p{N}{1,3}`,
  String.raw` ?[^\s\p{L}\p{N}]+[\r\n/]*`,
  String.raw`\s*[\r\n]+`,
  String.raw`\s+(?!\S)`,
  String.raw`\s+`,
].join('|');

/** [upper]*[lower]+ from i: its end, or -1. Past the run of upper-set characters a lower one must follow; else the
 *  match backtracks to the run's last caseless letter or mark (in both sets), if any. */
function upperThenLower(text: string, i: number, end: number, cat: Uint8Array): number {
  let lastBoth = -1;
  while (i < end) {
    const cp = codePointAt(text, i, end);
    const k = cat[cp];
    if (k === CAT_LOWER) return runEnd(text, i, end, cat, LOWER_SET);
    if (k === CAT_CASELESS || k === CAT_MARK) lastBoth = i;
    else if (k !== CAT_UPPER) break;
    i += cp > 0xffff ? 2 : 1;
  }
  if (lastBoth < 0) return -1;
  return lastBoth + (text.charCodeAt(lastBoth) >= 0xd800 && text.charCodeAt(lastBoth) < 0xdc00 ? 2 : 1);
}

/** The optional contraction after a letter run. */
function withContraction(text: string, e: number, end: number): number {
  const c = contractionEnd(text, e, end);
  return c > 0 ? c : e;
}

/** End (exclusive) of the pre-token that starts at `start` in text[start, end); end must be > start. */
export function o200kPieceEnd(text: string, start: number, end: number, cat: Uint8Array): number {
  const c = text.charCodeAt(start);
  const cp = c >= 0xd800 && c < 0xdc00 ? codePointAt(text, start, end) : c;
  const w = cp > 0xffff ? 2 : 1;
  const k = cat[cp];
  if (k === CAT_UPPER || k === CAT_LOWER || k === CAT_CASELESS) {
    // a letter: the first alternative, else the second, which then is the run of upper-case letters
    const e = upperThenLower(text, start, end, cat);
    return withContraction(text, e >= 0 ? e : runEnd(text, start, end, cat, LOWER_SET | (1 << CAT_UPPER)), end);
  }
  if (k === CAT_OTHER || k === CAT_MARK || (k === CAT_SPACE && c !== 10 && c !== 13)) {
    // [^\r\n\p{L}\p{N}] as a prefix of the letter alternatives
    if (start + w < end) {
      const e = upperThenLower(text, start + w, end, cat);
      if (e >= 0) return withContraction(text, e, end);
    }
    // without the prefix, a mark is itself the [lower]+ of the first alternative
    if (k === CAT_MARK) return withContraction(text, start + w, end);
    if (start + w < end && cat[codePointAt(text, start + w, end)] === CAT_UPPER) {
      return withContraction(text, runEnd(text, start + w, end, cat, 1 << CAT_UPPER), end);
    }
  }
  if (k === CAT_NUMBER) {
    let i = start + w;
    for (let n = 1; n < 3 && i < end; n++) {
      const d = codePointAt(text, i, end);
      if (cat[d] !== CAT_NUMBER) break;
      i += d > 0xffff ? 2 : 1;
    }
    return i;
  }
  // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
  let i = start;
  if (c === 32 && start + 1 < end && (OTHERISH >> cat[codePointAt(text, start + 1, end)]) & 1) i = start + 1;
  if (i > start || k === CAT_OTHER) {
    i = runEnd(text, i, end, cat, OTHERISH);
    for (let d = text.charCodeAt(i); i < end && (d === 10 || d === 13 || d === 47); d = text.charCodeAt(++i));
    return i;
  }
  return whitespaceEnd(text, start, end, cat);
}
