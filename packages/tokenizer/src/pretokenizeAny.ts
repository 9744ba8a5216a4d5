// Pre-tokens of a text under any known pattern (for tests, tools and training; encoding scans without them).
import { findPattern, unknownPatternError } from './patterns';
import { gpt2Pretokenize } from './pretokenize';
import { charCategories } from './unicode';

/** The pieces `pattern` ('gpt2', 'cl100k_base', 'o200k_base', 'qwen2' or one of their sources) splits text into. */
export function pretokenize(text: string, pattern: string): string[] {
  const known = findPattern(pattern);
  if (!known) throw unknownPatternError(pattern, 'pretokenize');
  if (known.pieceEnd === null) return gpt2Pretokenize(text);
  const cat = charCategories();
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    const e = known.pieceEnd(text, i, text.length, cat);
    pieces.push(text.slice(i, e));
    i = e;
  }
  return pieces;
}
