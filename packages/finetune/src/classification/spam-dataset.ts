// The book's SpamDataset (section 6.3): each text tokenized, truncated to maxLength and padded
// with <|endoftext|> (50256) to maxLength, so every sample has the same length and a batch is a
// plain (B, maxLength) tensor. The classifier reads the logits of the last position.
//
// get(i) returns { input, target } for @llm/train's DataLoader: target is -100 (ignored by the
// cross-entropy) everywhere except the last position, which holds the class index, so the
// language-model loss of @llm/train (calcLossBatch, calcLossLoader, Trainer) is exactly the
// book's classification loss, cross_entropy(logits[:, -1, :], labels).
import type { Sample, SequenceDataset } from '@llm/train';
import { encodeTruncated, type FinetuneTokenizer, PAD_TOKEN_ID } from '../common/tokenizer.js';
import type { LabeledText } from './types.js';

export const IGNORE_INDEX = -100;

export interface SpamDatasetOptions {
  /** Class names; a row's label is its index here. */
  labels: readonly string[];
  /** Tokens per sample; default: the longest encoded text (capped at contextLength), as the book. */
  maxLength?: number;
  /** The model's context length: the cap on maxLength. */
  contextLength?: number;
  padTokenId?: number;
}

export class SpamDataset implements SequenceDataset {
  readonly maxLength: number;
  readonly labels: readonly string[];
  readonly padTokenId: number;
  /** Class index of each sample. */
  readonly classIds: Int32Array;
  /** Token ids before padding (truncated to maxLength). */
  readonly encoded: Int32Array[];
  private readonly inputs: Int32Array; // (N, maxLength), padded
  private readonly targets: Int32Array; // (N, maxLength), -100 but the last column

  constructor(rows: readonly LabeledText[], tokenizer: FinetuneTokenizer, opts: SpamDatasetOptions) {
    const { labels, contextLength, padTokenId = PAD_TOKEN_ID } = opts;
    if (opts.maxLength !== undefined && !(Number.isInteger(opts.maxLength) && opts.maxLength > 0)) throw new RangeError(`SpamDataset: maxLength must be a positive integer, got ${opts.maxLength}`);
    if (opts.maxLength !== undefined && contextLength !== undefined && opts.maxLength > contextLength) {
      throw new RangeError(`SpamDataset: maxLength ${opts.maxLength} exceeds the model's context length ${contextLength}`);
    }
    this.labels = labels;
    this.padTokenId = padTokenId;
    const cap = opts.maxLength ?? contextLength ?? Infinity;
    this.encoded = rows.map((r) => Int32Array.from(encodeTruncated(tokenizer, r.text, cap)));
    this.maxLength = opts.maxLength ?? Math.max(1, ...this.encoded.map((e) => e.length));
    this.classIds = Int32Array.from(rows, (r, i) => {
      const k = labels.indexOf(r.label);
      if (k < 0) throw new Error(`SpamDataset: row ${i} has label ${JSON.stringify(r.label)}, not one of ${JSON.stringify(labels)}`);
      return k;
    });
    const n = rows.length;
    const T = this.maxLength;
    this.inputs = new Int32Array(n * T).fill(padTokenId);
    this.targets = new Int32Array(n * T).fill(IGNORE_INDEX);
    this.encoded.forEach((ids, i) => {
      this.inputs.set(ids.subarray(0, T), i * T);
      this.targets[i * T + T - 1] = this.classIds[i];
    });
  }

  get length(): number {
    return this.classIds.length;
  }

  get(i: number): Sample {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new RangeError(`SpamDataset: index ${i} out of range [0, ${this.length})`);
    const T = this.maxLength;
    return { input: this.inputs.subarray(i * T, (i + 1) * T), target: this.targets.subarray(i * T, (i + 1) * T) };
  }
}
