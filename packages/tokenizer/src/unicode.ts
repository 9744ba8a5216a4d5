// Character classes of GPT-2's pre-tokenizer pattern, one byte per code point (1.1 MB, built on first use).
import { unicodeClassRuns } from './data/unicodeClasses';

export const OTHER = 0;
export const LETTER = 1;
export const NUMBER = 2;
export const SPACE = 3;

let table: Uint8Array | undefined;

/** Class of every code point: OTHER, LETTER (\p{L}), NUMBER (\p{N}) or SPACE (\p{White_Space}). */
export function charClasses(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x110000);
  let start = 0;
  let cls = OTHER;
  for (const run of unicodeClassRuns.split(',')) {
    const next = start + parseInt(run.slice(0, -1), 36);
    if (cls !== OTHER) t.fill(cls, start, next);
    start = next;
    cls = run.charCodeAt(run.length - 1) - 48;
  }
  if (cls !== OTHER) t.fill(cls, start);
  table = t;
  return t;
}
