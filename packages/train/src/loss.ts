// The book's loss helpers (chapter 5): mean cross-entropy of next-token predictions over a batch,
// over (the first N batches of) a loader, and the train/validation pair used by the training loop.
import { crossEntropy, graphScope, noGrad, type Tensor } from '@llm/tensor';
import { type Batch, DataLoader } from './data/loader.js';
import type { LanguageModel } from './types.js';

/**
 * Mean cross-entropy of model(inputs) (B, T, V) against targets (B, T): a scalar tensor, the
 * caller's. The logits and their views are the loss's graph's, freed by backward() or with the loss.
 */
export function calcLossBatch(inputs: Tensor, targets: Tensor, model: LanguageModel): Tensor {
  return graphScope(() => {
    const logits = model.forward(inputs); // (B, T, V)
    return crossEntropy(logits.flatten(0, 1), targets.flatten());
  });
}

/**
 * Batches to average a loss over: a DataLoader (its current epoch's order, without moving it on) or
 * any iterable. The batches stay the source's (a DataLoader frees each when the loop moves on):
 * nothing here disposes them.
 */
export type BatchSource = DataLoader | Iterable<Batch>;

/**
 * Mean of the per-batch losses over the first `numBatches` batches (all when omitted), without
 * gradients; NaN for an empty loader, as the book. Only the scalar loss of each batch is read back.
 */
export async function calcLossLoader(loader: BatchSource, model: LanguageModel, numBatches?: number): Promise<number> {
  const available = loader instanceof DataLoader ? loader.length : undefined;
  if (available === 0) return NaN;
  const limit = numBatches === undefined ? (available ?? Infinity) : Math.min(numBatches, available ?? Infinity);
  const batches = loader instanceof DataLoader ? loader.iterate({ epoch: loader.epoch }) : loader[Symbol.iterator]();
  let total = 0;
  let count = 0;
  try {
    while (count < limit) {
      const next = batches.next();
      if (next.done) break;
      const [inputs, targets] = next.value;
      const loss = noGrad(() => calcLossBatch(inputs, targets, model));
      total += await loss.item();
      loss.dispose();
      count++;
    }
  } finally {
    batches.return?.();
  }
  return count === 0 ? NaN : total / count;
}

/** Train and validation loss over the first evalIter batches each, with the model in eval mode (no dropout). */
export async function evaluateModel(
  model: LanguageModel, trainLoader: BatchSource, valLoader: BatchSource, evalIter?: number,
): Promise<{ trainLoss: number; valLoss: number }> {
  model.eval();
  try {
    const trainLoss = await calcLossLoader(trainLoader, model, evalIter);
    const valLoss = await calcLossLoader(valLoader, model, evalIter);
    return { trainLoss, valLoss };
  } finally {
    model.train();
  }
}
