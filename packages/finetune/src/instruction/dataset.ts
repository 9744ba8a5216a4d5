// The book's InstructionDataset (section 7.3): every entry pre-tokenized as prompt + response,
// and a DataLoader whose batches go through customCollateFn, so each batch is padded only to
// its own longest sequence. It is a @llm/train DataLoader (same seeded per-epoch shuffling), so
// the Trainer, calcLossLoader and evaluateModel use it as they are.
import type { Sample } from '@llm/train';
import { type Batch, DataLoader, type DataLoaderOptions } from '@llm/train';
import { fromTypedArray } from '@llm/tensor';
import { encodeOrdinary, type FinetuneTokenizer } from '../common/tokenizer.js';
import { type CollateOptions, customCollateFn } from './collate.js';
import { formatInput, formatResponse, type InstructionEntry } from './format.js';

export class InstructionDataset {
  /** Token ids of prompt + response, one array per entry. */
  readonly encodedTexts: Int32Array[];
  /** Tokens of each entry's prompt (formatInput), for masking it in the loss. */
  readonly promptLengths: Int32Array;

  constructor(readonly data: readonly InstructionEntry[], tokenizer: FinetuneTokenizer) {
    this.encodedTexts = [];
    this.promptLengths = new Int32Array(data.length);
    data.forEach((entry, i) => {
      const prompt = formatInput(entry);
      this.encodedTexts.push(Int32Array.from(encodeOrdinary(tokenizer, prompt + formatResponse(entry))));
      this.promptLengths[i] = encodeOrdinary(tokenizer, prompt).length;
    });
  }

  get length(): number {
    return this.encodedTexts.length;
  }

  /** Entry i collated on its own: inputs and shifted targets with one <|endoftext|>. */
  get(i: number): Sample {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new RangeError(`InstructionDataset: index ${i} out of range [0, ${this.length})`);
    const { inputs, targets } = customCollateFn([this.encodedTexts[i]]);
    return { input: inputs, target: targets };
  }
}

export interface InstructionLoaderOptions extends DataLoaderOptions, Omit<CollateOptions, 'promptLengths'> {
  /** Ignore the prompt's tokens in the loss (the book's exercise 7.2); default false, as the chapter. */
  maskPrompt?: boolean;
}

export class InstructionDataLoader extends DataLoader {
  readonly collate: Omit<CollateOptions, 'promptLengths'> & { maskPrompt: boolean };

  constructor(readonly instructions: InstructionDataset, opts: InstructionLoaderOptions = {}) {
    super(instructions, opts);
    const { padTokenId, ignoreIndex, allowedMaxLength, maskPrompt = false } = opts;
    this.collate = { padTokenId, ignoreIndex, allowedMaxLength, maskPrompt };
  }

  override *iterate(opts: { epoch?: number; startBatch?: number } = {}): IterableIterator<Batch> {
    const { epoch = this.epoch, startBatch = 0 } = opts;
    const order = this.order(epoch);
    const { maskPrompt, ...collate } = this.collate;
    for (let b = startBatch; b < this.length; b++) {
      const idx = Array.from(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
      const batch = customCollateFn(idx.map((i) => this.instructions.encodedTexts[i]), {
        ...collate,
        promptLengths: maskPrompt ? idx.map((i) => this.instructions.promptLengths[i]) : undefined,
      });
      const shape = [batch.batchSize, batch.length];
      yield* this.lend([fromTypedArray(batch.inputs, shape, { dtype: 'int32', backend: this.backend }), fromTypedArray(batch.targets, shape, { dtype: 'int32', backend: this.backend })]);
    }
  }
}
