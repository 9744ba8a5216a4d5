// Training in the page: the book's loop (zero grads, cross-entropy, backward, AdamW step) one step
// at a time, so the page can draw the loss and stay responsive between steps.
import type { GPTModel } from '@llm/gpt';
import { tidy } from '@llm/tensor';
import { AdamW, type Batch, calcLossBatch, DataLoader, GPTDataset } from '@llm/train';

export interface PageTrainerOptions {
  /** Tokens per sample (at most the model's context length). */
  maxLength: number;
  stride: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Seeds the per-epoch shuffles. */
  seed: number;
}

export const DEFAULT_TRAINING: PageTrainerOptions = { maxLength: 32, stride: 4, batchSize: 4, lr: 4e-3, weightDecay: 0.1, seed: 123 };

export interface StepResult {
  step: number;
  loss: number;
  tokens: number;
}

export class PageTrainer {
  readonly loader: DataLoader;
  readonly optimizer: AdamW;
  private batches: Iterator<Batch>;
  private steps = 0;

  constructor(readonly model: GPTModel, tokenIds: Int32Array, opts: PageTrainerOptions) {
    const maxLength = Math.min(opts.maxLength, model.config.contextLength);
    const dataset = new GPTDataset(tokenIds, { maxLength, stride: opts.stride });
    if (dataset.length === 0) {
      throw new Error(`PageTrainer: the text has ${tokenIds.length} tokens; training needs more than ${maxLength} (the sample length)`);
    }
    this.loader = new DataLoader(dataset, { batchSize: opts.batchSize, shuffle: true, dropLast: dataset.length >= opts.batchSize, seed: opts.seed });
    this.optimizer = new AdamW(model.parameters(), { lr: opts.lr, weightDecay: opts.weightDecay });
    this.batches = this.loader[Symbol.iterator]();
  }

  get stepsDone(): number {
    return this.steps;
  }

  /** One optimizer step on the next batch (a new shuffled epoch when one ends); resolves to its loss. */
  async step(): Promise<StepResult> {
    let next = this.batches.next();
    if (next.done) {
      this.batches = this.loader[Symbol.iterator]();
      next = this.batches.next();
    }
    const [inputs, targets] = next.value as Batch;
    this.model.train();
    try {
      const loss = tidy(() => {
        this.optimizer.zeroGrad();
        const l = calcLossBatch(inputs, targets, this.model);
        l.backward();
        this.optimizer.step();
        this.optimizer.zeroGrad();
        return l;
      });
      const value = (await loss.data())[0];
      loss.dispose();
      return { step: ++this.steps, loss: value, tokens: inputs.size };
    } finally {
      inputs.dispose();
      targets.dispose();
      this.model.eval();
    }
  }

  /** Frees the optimizer's moment estimates (GPU buffers are not garbage collected). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
