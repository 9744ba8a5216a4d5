// The book's custom_collate_fn (section 7.3): each sequence gets one <|endoftext|>, the batch is
// padded with it to the longest sequence + 1, inputs drop the last token and targets the first
// (the shift by one), every padding token in the targets after the first becomes -100 (ignored
// by the loss), and both are cut to allowedMaxLength. As the book, the padding test is
// "target == padTokenId", so an <|endoftext|> inside the text is treated as padding too.
// Optionally (the book's exercise 7.2) the prompt tokens are masked in the targets as well.

export interface CollateOptions {
  padTokenId?: number;
  ignoreIndex?: number;
  /** Cut inputs and targets to this many tokens (the model's context length). */
  allowedMaxLength?: number;
  /** Tokens of each sequence's prompt (instruction and input): their targets become ignoreIndex. */
  promptLengths?: readonly number[];
}

export interface CollatedBatch {
  /** (B, T) row-major. */
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  length: number;
}

export function customCollateFn(batch: readonly ArrayLike<number>[], opts: CollateOptions = {}): CollatedBatch {
  const { padTokenId = 50256, ignoreIndex = -100, allowedMaxLength, promptLengths } = opts;
  if (batch.length === 0) throw new Error('customCollateFn: empty batch');
  if (promptLengths && promptLengths.length !== batch.length) throw new Error(`customCollateFn: ${promptLengths.length} prompt lengths for a batch of ${batch.length}`);
  if (allowedMaxLength !== undefined && !(Number.isInteger(allowedMaxLength) && allowedMaxLength > 0)) throw new RangeError(`customCollateFn: allowedMaxLength must be a positive integer, got ${allowedMaxLength}`);
  const batchMaxLength = Math.max(...batch.map((item) => item.length + 1));
  const T = Math.min(batchMaxLength - 1, allowedMaxLength ?? Infinity);
  const inputs = new Int32Array(batch.length * T);
  const targets = new Int32Array(batch.length * T);
  const padded = new Int32Array(batchMaxLength);
  batch.forEach((item, r) => {
    padded.fill(padTokenId);
    padded.set(Array.from(item));
    const row = targets.subarray(r * T, (r + 1) * T);
    inputs.set(padded.subarray(0, T), r * T);
    row.set(padded.subarray(1, T + 1));
    // targets keep the first padding token (the model learns to stop) and ignore the rest
    let seenPad = false;
    for (let t = 0; t < batchMaxLength - 1; t++) {
      if (padded[t + 1] !== padTokenId) continue;
      if (seenPad && t < T) row[t] = ignoreIndex;
      seenPad = true;
    }
    if (promptLengths) row.fill(ignoreIndex, 0, Math.max(0, Math.min(T, promptLengths[r] - 1)));
  });
  return { inputs, targets, batchSize: batch.length, length: T };
}
