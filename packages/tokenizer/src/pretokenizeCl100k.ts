// The pre-tokenizer of cl100k_base (GPT-3.5/4), Llama 3 and Qwen2 as a hand-written scanner. It matches
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// exactly as tiktoken's Rust regex does (leftmost-first alternatives, \s as White_Space). Qwen2 differs only in
// \p{N} (one digit a piece instead of up to three): maxDigits.
import { codePointAt, contractionEnd, LETTERS, OTHERISH, runEnd, whitespaceEnd } from './scan';
import { CAT_NUMBER } from './unicode';

export const cl100kPattern = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
export const qwen2Pattern = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** End (exclusive) of the pre-token that starts at `start` in text[start, end); end must be > start. */
export function cl100kPieceEnd(text: string, start: number, end: number, cat: Uint8Array, maxDigits = 3): number {
  const c = text.charCodeAt(start);
  if (c === 39) {
    const e = contractionEnd(text, start, end);
    if (e > 0) return e;
  }
  const cp = c >= 0xd800 && c < 0xdc00 ? codePointAt(text, start, end) : c;
  const w = cp > 0xffff ? 2 : 1;
  const k = cat[cp];
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if ((LETTERS >> k) & 1) return runEnd(text, start + w, end, cat, LETTERS);
  if (k !== CAT_NUMBER && c !== 10 && c !== 13 && start + w < end) {
    const next = codePointAt(text, start + w, end);
    if ((LETTERS >> cat[next]) & 1) return runEnd(text, start + w + (next > 0xffff ? 2 : 1), end, cat, LETTERS);
  }
  // \p{N}{1,3}
  if (k === CAT_NUMBER) {
    let i = start + w;
    for (let n = 1; n < maxDigits && i < end; n++) {
      const d = codePointAt(text, i, end);
      if (cat[d] !== CAT_NUMBER) break;
      i += d > 0xffff ? 2 : 1;
    }
    return i;
  }
  // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
  let i = start;
  if (c === 32 && start + 1 < end && (OTHERISH >> cat[codePointAt(text, start + 1, end)]) & 1) i = start + 1;
  if (i > start || (OTHERISH >> k) & 1) {
    i = runEnd(text, i, end, cat, OTHERISH);
    for (let d = text.charCodeAt(i); i < end && (d === 10 || d === 13); d = text.charCodeAt(++i));
    return i;
  }
  return whitespaceEnd(text, start, end, cat);
}

/** Qwen2's pattern: cl100k_base's with one digit a piece. */
export function qwen2PieceEnd(text: string, start: number, end: number, cat: Uint8Array): number {
  return cl100kPieceEnd(text, start, end, cat, 1);
}
