// The book's create_dataloader_v1: tokenize a text with GPT-2's BPE and wrap it in a sliding-window
// dataset and a loader.
import { getEncoding } from '@llm/tokenizer';
import type { TextTokenizer } from '../types.js';
import { GPTDataset } from './dataset.js';
import { DataLoader, type DataLoaderOptions } from './loader.js';

export interface CreateDataLoaderOptions extends DataLoaderOptions {
  /** Tokens per sample (default 256). */
  maxLength?: number;
  /** Window step (default 128). */
  stride?: number;
  /** Default: GPT-2's encoding, allowing <|endoftext|> in the text. */
  tokenizer?: TextTokenizer;
}

/** Tokenizes with the book's settings: <|endoftext|> in the text is the special token, not five pieces of text. */
export function encodeText(text: string, tokenizer: TextTokenizer = getEncoding('gpt2')): Int32Array {
  return Int32Array.from(tokenizer.encode(text, { allowedSpecial: new Set(['<|endoftext|>']) }));
}

/** Defaults as the book: batch 4, maxLength 256, stride 128, shuffle, dropLast. */
export function createDataLoaderV1(text: string, opts: CreateDataLoaderOptions = {}): DataLoader {
  const { batchSize = 4, maxLength = 256, stride = 128, shuffle = true, dropLast = true, tokenizer, ...rest } = opts;
  const dataset = new GPTDataset(encodeText(text, tokenizer), { maxLength, stride });
  return new DataLoader(dataset, { batchSize, shuffle, dropLast, ...rest });
}
