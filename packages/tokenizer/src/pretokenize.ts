// GPT-2's pre-tokenizer as a hand-written scanner. It matches the pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// exactly as tiktoken's Rust regex does, where \s is Unicode's White_Space property.
import { codePointAt } from './scan';
import { charClasses, SPACE } from './unicode';

export const gpt2Pattern = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

/** End (exclusive) of the pre-token that starts at `start` in text[start, end); end must be > start. */
export function gpt2PieceEnd(text: string, start: number, end: number, cls: Uint8Array): number {
  let c = text.charCodeAt(start);
  if (c === 39 && start + 1 < end) {
    // 's 't 'm 'd 're 've 'll (lowercase only, as in GPT-2)
    const n = text.charCodeAt(start + 1);
    if (n === 115 || n === 116 || n === 109 || n === 100) return start + 2;
    if (start + 2 < end) {
      const n2 = text.charCodeAt(start + 2);
      if (((n === 114 || n === 118) && n2 === 101) || (n === 108 && n2 === 108)) return start + 3;
    }
  }
  let i = start;
  let k = cls[c];
  if (c === 32 && i + 1 < end) {
    // " ?X+": a space joins the run that follows it unless that run is whitespace
    const next = codePointAt(text, i + 1, end);
    if (cls[next] !== SPACE) {
      i++;
      c = next;
      k = cls[next];
    }
  } else if (c >= 0xd800 && c < 0xe000) {
    c = codePointAt(text, i, end);
    k = cls[c];
  }
  if (k === SPACE) return spaceEnd(text, start, end, cls);
  i += c > 0xffff ? 2 : 1;
  while (i < end) {
    const d = text.charCodeAt(i);
    if (d < 0xd800) {
      if (cls[d] !== k) break;
      i++;
    } else {
      const cp = codePointAt(text, i, end);
      if (cls[cp] !== k) break;
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return i;
}

/** \s+(?!\S)|\s+ : a whitespace run, less its last character when a non-space follows and the run is longer than one. */
function spaceEnd(text: string, start: number, end: number, cls: Uint8Array): number {
  let j = start + 1;
  // White_Space has no astral code points and surrogates are OTHER, so code units suffice here.
  while (j < end && cls[text.charCodeAt(j)] === SPACE) j++;
  if (j === end || j - start === 1) return j;
  return j - 1;
}

/** GPT-2 pre-tokens of a text (for tests, tools and training; encoding scans without allocating them). */
export function gpt2Pretokenize(text: string): string[] {
  const cls = charClasses();
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    const e = gpt2PieceEnd(text, i, text.length, cls);
    pieces.push(text.slice(i, e));
    i = e;
  }
  return pieces;
}
