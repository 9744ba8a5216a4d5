// The tokenizer view's data: each GPT-2 token of a text with the characters it covers and a colour.
import { type Encoding, getEncoding } from '@llm/tokenizer';

export interface TokenPiece {
  id: number;
  /** The characters of the input this token covers, [start, end) in UTF-16 units. */
  start: number;
  end: number;
  text: string;
  /** The token holds only part of a character's UTF-8 bytes (an emoji is often 2-3 tokens). */
  partial: boolean;
}

let gpt2: Encoding | undefined;
/** GPT-2's encoding, built on first use (it decodes ~50k merges). */
export function gpt2Encoding(): Encoding {
  return (gpt2 ??= getEncoding('gpt2'));
}

/** The tokens of `text`, special tokens such as <|endoftext|> included. */
export function tokenPieces(text: string, enc: Encoding = gpt2Encoding()): TokenPiece[] {
  const { ids, offsets } = enc.encodeWithOffsets(text, { allowedSpecial: 'all' });
  return ids.map((id, i) => {
    const [start, end] = offsets[i];
    // a character split over tokens gives each of them its whole [start, end)
    const partial = (i > 0 && offsets[i - 1][1] > start) || (i + 1 < ids.length && offsets[i + 1][0] < end);
    return { id, start, end, text: text.slice(start, end), partial };
  });
}

const PALETTE = ['#fde68a', '#a7f3d0', '#bfdbfe', '#fbcfe8', '#ddd6fe', '#fed7aa', '#c7d2fe', '#bbf7d0'];

export function tokenColour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** How a token's text is shown: whitespace made visible, so "\n" and " " tokens can be seen. */
export function visibleText(text: string): string {
  return text.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/ /g, '·');
}
