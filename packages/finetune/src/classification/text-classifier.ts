// The book's classify_review (section 6.8) as an object: text in, label and probability out.
// The text is tokenized, cut to the training maxLength (and the context length) and padded as
// in training, since the model learned to read the last position of a padded sequence.
import type { GPTModel } from '@llm/gpt';
import { fromTypedArray, noGrad, tidy } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { encodeTruncated, endOfTextId, type FinetuneTokenizer } from '../common/tokenizer.js';
import { lastTokenLogits } from './accuracy.js';

export interface Classification {
  label: string;
  index: number;
  /** Softmax probability of the predicted label. */
  probability: number;
  /** Probability of every label. */
  probabilities: Record<string, number>;
}

export interface TextClassifierOptions {
  labels: readonly string[];
  /** The padded length used in training. */
  maxLength: number;
  /** Default: the tokenizer's <|endoftext|> (50256 in GPT-2's). */
  padTokenId?: number;
  /** Default: GPT-2's encoding. */
  tokenizer?: FinetuneTokenizer;
}

export class TextClassifier {
  readonly labels: readonly string[];
  readonly maxLength: number;
  readonly padTokenId: number;
  readonly tokenizer: FinetuneTokenizer;

  constructor(readonly model: GPTModel, opts: TextClassifierOptions) {
    const numClasses = model.outHead.outFeatures;
    if (opts.labels.length !== numClasses) throw new Error(`TextClassifier: ${opts.labels.length} labels (${opts.labels.join(', ')}) for a head of ${numClasses} classes`);
    this.labels = opts.labels;
    this.maxLength = Math.min(opts.maxLength, model.config.contextLength);
    this.tokenizer = opts.tokenizer ?? getEncoding('gpt2');
    this.padTokenId = opts.padTokenId ?? endOfTextId(this.tokenizer);
  }

  /** The padded ids the model reads for `text`. */
  encode(text: string): Int32Array {
    const ids = new Int32Array(this.maxLength).fill(this.padTokenId);
    ids.set(encodeTruncated(this.tokenizer, text, this.maxLength));
    return ids;
  }

  async classifyBatch(texts: readonly string[]): Promise<Classification[]> {
    if (texts.length === 0) return [];
    const T = this.maxLength;
    const ids = new Int32Array(texts.length * T);
    texts.forEach((t, i) => ids.set(this.encode(t), i * T));
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      const probs = noGrad(() => tidy(() => lastTokenLogits(this.model, fromTypedArray(ids, [texts.length, T], { dtype: 'int32' })).softmax(-1)));
      const data = await probs.data();
      probs.dispose();
      const C = this.labels.length;
      return texts.map((_, i) => {
        const row = Array.from(data.subarray(i * C, (i + 1) * C));
        const index = row.indexOf(Math.max(...row));
        return { label: this.labels[index], index, probability: row[index], probabilities: Object.fromEntries(this.labels.map((l, k) => [l, row[k]])) };
      });
    } finally {
      this.model.train(wasTraining);
    }
  }

  async classify(text: string): Promise<Classification> {
    return (await this.classifyBatch([text]))[0];
  }
}
