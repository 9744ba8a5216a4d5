// Character classes of the pre-tokenizer patterns, one byte per code point (1.1 MB each, built on first use),
// as tiktoken's Rust regex sees them (its Unicode version, \s as Unicode's White_Space).
import { unicodeCategoryRuns } from './data/unicodeCategories';
import { unicodeClassRuns } from './data/unicodeClasses';

// GPT-2's classes (charClasses)
export const OTHER = 0;
export const LETTER = 1;
export const NUMBER = 2;
export const SPACE = 3;

// The finer categories of cl100k_base's and o200k_base's patterns (charCategories)
export const CAT_OTHER = 0;
export const CAT_SPACE = 1;
export const CAT_NUMBER = 2;
/** \p{Lu} and \p{Lt}: in o200k's "upper" set only. */
export const CAT_UPPER = 3;
/** \p{Ll}: in o200k's "lower" set only. */
export const CAT_LOWER = 4;
/** \p{Lm} and \p{Lo}: in both of o200k's sets. */
export const CAT_CASELESS = 5;
/** \p{M}: in both of o200k's sets, but not a letter (\p{L}). */
export const CAT_MARK = 6;

/** Expands "<distance base 36><class>" runs into a table of every code point. */
function expandRuns(runs: string): Uint8Array {
  const t = new Uint8Array(0x110000);
  let start = 0;
  let cls = 0;
  for (const run of runs.split(',')) {
    const next = start + parseInt(run.slice(0, -1), 36);
    if (cls !== 0) t.fill(cls, start, next);
    start = next;
    cls = run.charCodeAt(run.length - 1) - 48;
  }
  if (cls !== 0) t.fill(cls, start);
  return t;
}

let classes: Uint8Array | undefined;
let categories: Uint8Array | undefined;

/** Class of every code point: OTHER, LETTER (\p{L}), NUMBER (\p{N}) or SPACE (\p{White_Space}). */
export function charClasses(): Uint8Array {
  classes ??= expandRuns(unicodeClassRuns);
  return classes;
}

/** Category of every code point: CAT_OTHER, CAT_SPACE, CAT_NUMBER, CAT_UPPER, CAT_LOWER, CAT_CASELESS or CAT_MARK. */
export function charCategories(): Uint8Array {
  categories ??= expandRuns(unicodeCategoryRuns);
  return categories;
}
