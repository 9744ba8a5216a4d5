// The pre-tokenizer patterns this package knows, each run by a hand-written scanner in linear time. A pattern
// that comes from a file (tokenizer.json, a saved encoding) must be one of these, written exactly; anything else
// is refused with an error that names it, because a regular expression from a file could backtrack for hours
// (`(a+)+$`) and block the process. Code may still opt into its own regex with `allowCustomPattern`.
import { cl100kPattern, cl100kPieceEnd, qwen2Pattern, qwen2PieceEnd } from './pretokenizeCl100k';
import { o200kPattern, o200kPieceEnd } from './pretokenizeO200k';
import { gpt2Pattern } from './pretokenize';
import { gpt2DigitsPieceEnd } from './pretokenizeDigits';

/** A scanner: the end of the pre-token that starts at `start` in text[start, end), given charCategories(). */
export type PieceEnd = (text: string, start: number, end: number, cat: Uint8Array) => number;

export type PatternName = 'gpt2' | 'cl100k_base' | 'o200k_base' | 'qwen2' | 'gpt2-digits';

/** Not a regular expression: Hugging Face's Digits(individual_digits) pre-tokenizer followed by GPT-2's pattern. */
export const gpt2DigitsPattern = 'Digits(individual_digits) + ByteLevel(gpt2)';

export interface KnownPattern {
  name: PatternName;
  /** The regular expression, as tiktoken and Hugging Face write it. */
  source: string;
  /** Who uses it. */
  usedBy: string;
  /** null for GPT-2's, which has its own faster scanner over its own classes. */
  pieceEnd: PieceEnd | null;
}

export const knownPatterns: readonly KnownPattern[] = [
  { name: 'gpt2', source: gpt2Pattern, usedBy: 'GPT-2 (r50k_base, p50k_base), the ByteLevel pre-tokenizer', pieceEnd: null },
  { name: 'cl100k_base', source: cl100kPattern, usedBy: 'cl100k_base (GPT-3.5, GPT-4), Llama 3', pieceEnd: cl100kPieceEnd },
  { name: 'o200k_base', source: o200kPattern, usedBy: 'o200k_base (GPT-4o)', pieceEnd: o200kPieceEnd },
  { name: 'qwen2', source: qwen2Pattern, usedBy: 'Qwen2, Qwen2.5, Qwen3', pieceEnd: qwen2PieceEnd },
  { name: 'gpt2-digits', source: gpt2DigitsPattern, usedBy: 'SmolLM2, StarCoder (Digits then ByteLevel)', pieceEnd: gpt2DigitsPieceEnd },
];

/** The known pattern with this name or exactly this source, else undefined. */
export function findPattern(pattern: string): KnownPattern | undefined {
  return knownPatterns.find((p) => p.name === pattern || p.source === pattern);
}

/** The error for a pattern that is not known: it names the pattern and lists the known ones. */
export function unknownPatternError(pattern: unknown, where: string): Error {
  const shown = typeof pattern === 'string' ? JSON.stringify(pattern.length > 200 ? `${pattern.slice(0, 200)}...` : pattern) : String(pattern);
  return new Error(
    `${where}: the pre-tokenizer pattern ${shown} is not one this package knows; only these run (each by a linear-time ` +
      `scanner, so that a pattern from a file cannot stall the process): ${knownPatterns.map((p) => `${p.name} (${p.usedBy})`).join('; ')}`,
  );
}
