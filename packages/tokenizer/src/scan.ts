// Pieces shared by the hand-written scanners of tiktoken-style patterns (cl100k_base, o200k_base, Llama 3, Qwen2).
// Categories come from charCategories(); a mask is a set of categories, one bit each.
import { CAT_CASELESS, CAT_LOWER, CAT_MARK, CAT_OTHER, CAT_SPACE, CAT_UPPER } from './unicode';

/** \p{L} */
export const LETTERS = (1 << CAT_UPPER) | (1 << CAT_LOWER) | (1 << CAT_CASELESS);
/** [^\s\p{L}\p{N}]: other characters and marks */
export const OTHERISH = (1 << CAT_OTHER) | (1 << CAT_MARK);
/** o200k's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
export const UPPER_SET = (1 << CAT_UPPER) | (1 << CAT_CASELESS) | (1 << CAT_MARK);
/** o200k's [\p{Ll}\p{Lm}\p{Lo}\p{M}] */
export const LOWER_SET = (1 << CAT_LOWER) | (1 << CAT_CASELESS) | (1 << CAT_MARK);

/** Code point at i; a lone surrogate is returned as itself (category other, like the U+FFFD it encodes to). */
export function codePointAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c < 0xdc00 && i + 1 < end) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** End of the run of characters whose category is in `mask`, from i. */
export function runEnd(text: string, i: number, end: number, cat: Uint8Array, mask: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 0xd800) {
      if (((mask >> cat[c]) & 1) === 0) return i;
      i++;
    } else {
      const cp = codePointAt(text, i, end);
      if (((mask >> cat[cp]) & 1) === 0) return i;
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return i;
}

/** (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: its end, or -1. Case-insensitive as Rust's regex is (simple case folding,
 *  so the long s U+017F is an s). */
export function contractionEnd(text: string, i: number, end: number): number {
  if (i + 1 >= end || text.charCodeAt(i) !== 39) return -1;
  const n = text.charCodeAt(i + 1) | 0x20;
  if (n === 0x73 || n === 0x74 || n === 0x6d || n === 0x64 || text.charCodeAt(i + 1) === 0x17f) return i + 2; // s t m d ſ
  if (i + 2 >= end) return -1;
  const n2 = text.charCodeAt(i + 2) | 0x20;
  if (((n === 0x72 || n === 0x76) && n2 === 0x65) || (n === 0x6c && n2 === 0x6c)) return i + 3; // re ve ll
  return -1;
}

/** \s*[\r\n]+|\s+(?!\S)|\s+ from a whitespace character at start: up to the last line break of the run if it has
 *  one, else the run less its last character when a non-space follows and the run is longer than one. */
export function whitespaceEnd(text: string, start: number, end: number, cat: Uint8Array): number {
  let lastBreak = -1;
  let j = start;
  // White_Space has no astral code points and surrogates are "other", so code units suffice here.
  for (; j < end; j++) {
    const c = text.charCodeAt(j);
    if (cat[c] !== CAT_SPACE) break;
    if (c === 10 || c === 13) lastBreak = j;
  }
  if (lastBreak >= 0) return lastBreak + 1;
  if (j === end || j - start === 1) return j;
  return j - 1;
}
