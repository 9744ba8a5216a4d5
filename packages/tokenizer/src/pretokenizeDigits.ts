// Hugging Face's Sequence[Digits(individual_digits), ByteLevel(use_regex)] pre-tokenizer (SmolLM2, StarCoder):
// every digit (\p{N}) is a piece of its own, and GPT-2's pattern splits each stretch between digits as a text of
// its own (so its lookahead stops at a digit).
import { gpt2PieceEnd } from './pretokenize';
import { codePointAt } from './scan';
import { CAT_NUMBER, charClasses } from './unicode';

/** Where the stretch being scanned ends (the next digit or the end), kept between the calls of one scan: starts
 *  only grow within a text, so finding each next digit once keeps the scan linear. */
let lastText = '';
let lastEnd = -1;
let stretchStart = 0;
let stretchEnd = -1;

/** End (exclusive) of the pre-token that starts at `start` in text[start, end) (cat: charCategories()). */
export function gpt2DigitsPieceEnd(text: string, start: number, end: number, cat: Uint8Array): number {
  const cp = codePointAt(text, start, end);
  if (cat[cp] === CAT_NUMBER) return start + (cp > 0xffff ? 2 : 1);
  if (text !== lastText || end !== lastEnd || start < stretchStart || start >= stretchEnd) {
    let j = start;
    while (j < end) {
      const d = codePointAt(text, j, end);
      if (cat[d] === CAT_NUMBER) break;
      j += d > 0xffff ? 2 : 1;
    }
    [lastText, lastEnd, stretchStart, stretchEnd] = [text, end, start, j];
  }
  return gpt2PieceEnd(text, start, stretchEnd, charClasses());
}
