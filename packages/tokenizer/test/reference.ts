// Independent references for tests: GPT-2's pattern run by the JavaScript regex engine (with \s spelled as
// Unicode's White_Space, as tiktoken's Rust regex reads it) and a naive BPE trainer.
import type { Tiktoken } from 'tiktoken';

export const gpt2Regex = new RegExp(
  String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?![^\p{White_Space}])|\p{White_Space}+`,
  'gu',
);

export function regexPretokenize(text: string): string[] {
  return Array.from(text.matchAll(gpt2Regex), (m) => m[0]);
}

/** Text with the letters and numbers that this Node knows but tiktoken's older Unicode does not replaced by 'x'. */
export function withoutNewerLetters(text: string, tk: Tiktoken): string {
  return text.replace(/[^\0-\u024f]/gu, (ch) => (/[\p{L}\p{N}]/u.test(ch) && tk.encode(`${ch}'s`).at(-1) !== 338 ? 'x' : ch));
}

/** BPE training the slow, obvious way: recount every pair after every merge. Same rules as trainBPE: the most
 *  frequent pair, ties to the smaller (left, right); a merge whose bytes already exist reuses that token. */
export function naiveTrain(texts: string[], nMerges: number): number[][] {
  const counts = new Map<string, number>();
  for (const t of texts) for (const p of regexPretokenize(t)) counts.set(p, (counts.get(p) ?? 0) + 1);
  let words = [...counts].map(([p, n]) => ({ ids: Array.from(new TextEncoder().encode(p)), n }));
  const vocab: number[][] = Array.from({ length: 256 }, (_, b) => [b]);
  for (let step = 0; step < nMerges; step++) {
    const pairs = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.ids.length; i++) pairs.set(`${w.ids[i]},${w.ids[i + 1]}`, (pairs.get(`${w.ids[i]},${w.ids[i + 1]}`) ?? 0) + w.n);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [key, c] of pairs) {
      const [a, b] = key.split(',').map(Number);
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) [best, bestCount] = [[a, b], c];
    }
    if (!best) break;
    const bytes = [...vocab[best[0]], ...vocab[best[1]]];
    let id = vocab.findIndex((v) => v.join() === bytes.join());
    if (id < 0) id = vocab.push(bytes) - 1;
    else step--; // no new token: the merge does not count toward the vocabulary size
    const [a, b] = best;
    words = words.map((w) => {
      const ids: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (w.ids[i] === a && w.ids[i + 1] === b && i + 1 < w.ids.length) ids.push(id), i++;
        else ids.push(w.ids[i]);
      }
      return { ids, n: w.n };
    });
  }
  return vocab;
}

/** Text without the letters, numbers and marks that this Node knows but tiktoken's older Unicode does not (each
 *  replaced by 'x'), probed through tiktoken's o200k_base: a letter, number or mark x makes "a<x>'s" one piece. */
export function withoutNewerCharacters(text: string, o200k: Tiktoken): string {
  const s = o200k.encode('s')[0];
  return text.replace(/[^\0-\u024f]/gu, (ch) => {
    if (/[\p{L}\p{N}]/u.test(ch)) return tiktokenKnows(ch, o200k, s) ? ch : 'x';
    if (/\p{M}/u.test(ch)) return tiktokenKnows(ch, o200k, s) ? ch : 'x';
    return ch;
  });
}

function tiktokenKnows(ch: string, o200k: Tiktoken, s: number): boolean {
  if (/\p{N}/u.test(ch)) return o200k.encode(`${ch}'s`).at(-1) === s; // a number: "<n>", "'s"... ends in "s" alone
  return o200k.encode(`a${ch}'s`).at(-1) !== s;
}

// cl100k_base's and o200k_base's patterns for the JavaScript regex engine: \s spelled as White_Space (as Rust's
// regex reads it) and the case-insensitive contractions as character classes (with the long s, ſ, that Rust's
// case folding matches to s), since Node 20 has no (?i:...) groups.
const ws = String.raw`\p{White_Space}`;
const contraction = String.raw`'(?:[sSſ]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])`;
export const cl100kRegex = new RegExp(
  String.raw`${contraction}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^${ws}\p{L}\p{N}]+[\r\n]*|${ws}*[\r\n]+|${ws}+(?![^${ws}])|${ws}+`,
  'gu',
);
export const qwen2Regex = new RegExp(cl100kRegex.source.replace(String.raw`\p{N}{1,3}`, String.raw`\p{N}`), 'gu');
const upper = String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`;
const lower = String.raw`[\p{Ll}\p{Lm}\p{Lo}\p{M}]`;
export const o200kRegex = new RegExp(
  [
    String.raw`[^\r\n\p{L}\p{N}]?${upper}*${lower}+(?:${contraction})?`,
    String.raw`[^\r\n\p{L}\p{N}]?${upper}+${lower}*(?:${contraction})?`,
    String.raw`\p{N}{1,3}`,
    String.raw` ?[^${ws}\p{L}\p{N}]+[\r\n/]*`,
    String.raw`${ws}*[\r\n]+`,
    String.raw`${ws}+(?![^${ws}])`,
    String.raw`${ws}+`,
  ].join('|'),
  'gu',
);

export function regexPieces(text: string, regex: RegExp): string[] {
  return Array.from(text.matchAll(regex), (m) => m[0]);
}
