// The book's classify_review (section 6.8) as an object: text in, label and probability out.
// The text is tokenized, cut to the training maxLength (and the context length) and padded as
// in training, since the model learned to read the last position of a padded sequence.
import { type GPTConfig, GPTModel, saveModel } from '@llm/gpt';
import { Linear } from '@llm/nn';
import { fromTypedArray, noGrad, tidy } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { writeFileAtomic } from '@llm/train';
import { findTokenizer } from '../common/base-model.js';
import { saveTokenizerBeside } from '../common/run.js';
import { encodeTruncated, endOfTextId, type FinetuneTokenizer } from '../common/tokenizer.js';
import { loadTensorsInto, readMetadata } from '../common/weights.js';
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

  /**
   * Saves to `dir`: model.safetensors (the config and labels in its metadata), classifier.json,
   * and tokenizer.json when the tokenizer is not GPT-2's.
   * A model with LoRA adapters must be merged first (mergeLoRA).
   */
  async save(dir: string): Promise<string> {
    const names = Object.keys(this.model.stateDict());
    if (names.some((n) => n.includes('.lora.'))) throw new Error('TextClassifier.save: the model has LoRA adapters; call mergeLoRA(model) first (or save the adapters with saveLoRA)');
    const info = { task: 'classification', labels: [...this.labels], maxLength: this.maxLength, padTokenId: this.padTokenId };
    const { join } = await import('node:path');
    const path = await saveModel(this.model, join(dir, 'model.safetensors'), { metadata: { classifier: JSON.stringify(info) } });
    await writeFileAtomic(join(dir, 'classifier.json'), `${JSON.stringify({ ...info, config: this.model.config }, null, 2)}\n`);
    await saveTokenizerBeside(dir, this.tokenizer);
    return path;
  }

  /** A classifier saved by save(): `path` is its folder or its model.safetensors; a tokenizer.json beside it is used. */
  static async load(path: string, opts: { tokenizer?: FinetuneTokenizer } = {}): Promise<TextClassifier> {
    const { join } = await import('node:path');
    const file = path.endsWith('.safetensors') ? path : join(path, 'model.safetensors');
    const meta = await readMetadata(file);
    if (!meta.classifier || !meta.config) throw new Error(`TextClassifier.load: ${file} is not a saved classifier (no "classifier" and "config" metadata)`);
    const info = JSON.parse(meta.classifier) as { labels: string[]; maxLength: number; padTokenId: number };
    const config = JSON.parse(meta.config) as GPTConfig;
    const model = new GPTModel(config, { init: 'none' });
    model.outHead.dispose();
    model.outHead = new Linear(config.embDim, info.labels.length, { init: 'none' });
    await loadTensorsInto(file, model.stateDict(), 'TextClassifier.load');
    model.eval();
    const tokenizer = opts.tokenizer ?? (await findTokenizer(file))?.tokenizer;
    return new TextClassifier(model, { labels: info.labels, maxLength: info.maxLength, padTokenId: info.padTokenId, tokenizer });
  }
}
