// The book's GPTDatasetV1: a sliding window over one token array. Samples are subarray views of
// that array, so a 100M-token corpus costs no memory per sample.

export type TokenIds = Int32Array | readonly number[];

export interface GPTDatasetOptions {
  /** Tokens per sample (the model's context length or less). */
  maxLength: number;
  /** How far the window moves between samples (maxLength: no overlap; 1: every position). */
  stride: number;
}

export interface Sample {
  input: Int32Array;  // (maxLength,) tokens [i, i + maxLength)
  target: Int32Array; // (maxLength,) tokens [i + 1, i + maxLength + 1): the input shifted by one
}

export class GPTDataset {
  readonly tokens: Int32Array;
  readonly maxLength: number;
  readonly stride: number;
  readonly length: number;

  constructor(tokenIds: TokenIds, opts: GPTDatasetOptions) {
    const { maxLength, stride } = opts;
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`GPTDataset: maxLength must be a positive integer, got ${maxLength}`);
    if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`GPTDataset: stride must be a positive integer, got ${stride}`);
    this.tokens = tokenIds instanceof Int32Array ? tokenIds : Int32Array.from(tokenIds);
    this.maxLength = maxLength;
    this.stride = stride;
    // as range(0, len(ids) - maxLength, stride): every window has its shifted target in bounds
    const span = this.tokens.length - maxLength;
    this.length = span > 0 ? Math.ceil(span / stride) : 0;
  }

  /** Start offset of sample i in the token array. */
  start(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`GPTDataset: index ${i} out of range [0, ${this.length})`);
    return i * this.stride;
  }

  get(i: number): Sample {
    const s = this.start(i);
    return {
      input: this.tokens.subarray(s, s + this.maxLength),
      target: this.tokens.subarray(s + 1, s + 1 + this.maxLength),
    };
  }

  *[Symbol.iterator](): IterableIterator<Sample> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}
