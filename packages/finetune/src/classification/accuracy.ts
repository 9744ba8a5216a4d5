// The book's calc_accuracy_loader and classification loss (section 6.6): the prediction is the
// argmax of the last position's logits, the label the last column of the targets (or the
// targets themselves when they are one label per row).
import { crossEntropy, graphScope, noGrad, type Tensor, tidy } from '@llm/tensor';
import { type BatchSource, DataLoader } from '@llm/train';

/** A model whose forward gives (B, T, C) logits; GPTModel also takes lastTokenOnly. */
export interface ClassifierModel {
  forward(ids: Tensor, opts?: { lastTokenOnly?: boolean }): Tensor;
}

/** Logits of the last position: (B, C). What it makes on the way is the result's graph's (graphScope). */
export function lastTokenLogits(model: ClassifierModel, inputs: Tensor): Tensor {
  return graphScope(() => {
    const out = model.forward(inputs, { lastTokenOnly: true }); // (B, 1, C), or (B, T, C) for a model without the option
    return out.narrow(1, out.shape[1] - 1, 1).squeeze(1);
  });
}

/** The class index of each row: targets (B) as they are, or the last column of (B, T). */
function labelsOf(targets: Tensor): Tensor {
  return targets.ndim === 1 ? targets : targets.narrow(1, targets.shape[1] - 1, 1).squeeze(1);
}

/** Mean cross-entropy of the last position's logits against the labels: a scalar tensor. */
export function calcClassificationLossBatch(inputs: Tensor, targets: Tensor, model: ClassifierModel): Tensor {
  return graphScope(() => crossEntropy(lastTokenLogits(model, inputs), labelsOf(targets)));
}

function* batchesOf(loader: BatchSource): Iterator<[Tensor, Tensor]> {
  yield* loader instanceof DataLoader ? loader.iterate({ epoch: loader.epoch }) : loader;
}

async function overBatches(loader: BatchSource, numBatches: number | undefined, perBatch: (inputs: Tensor, targets: Tensor) => Promise<void>): Promise<number> {
  const limit = numBatches ?? Infinity;
  const it = batchesOf(loader);
  let count = 0;
  try {
    while (count < limit) {
      const next = it.next();
      if (next.done) break;
      const [inputs, targets] = next.value; // the source's: a DataLoader frees it when we move on
      await perBatch(inputs, targets);
      count++;
    }
  } finally {
    it.return?.();
  }
  return count;
}

/**
 * Accuracy (fraction of correct predictions) and mean per-batch loss over the first numBatches
 * batches (all when omitted), in one pass without gradients; NaN for an empty loader. The caller
 * chooses train or eval mode (the book evaluates in eval mode).
 */
export async function evaluateClassifierLoader(loader: BatchSource, model: ClassifierModel, numBatches?: number): Promise<{ accuracy: number; loss: number }> {
  let correct = 0;
  let seen = 0;
  let total = 0;
  const count = await overBatches(loader, numBatches, async (inputs, targets) => {
    const out = noGrad(() => tidy(() => {
      const logits = lastTokenLogits(model, inputs); // (B, C)
      const labels = labelsOf(targets);
      return { predicted: logits.argmax(-1), labels: labels.contiguous(), loss: crossEntropy(logits, labels) };
    }));
    const [p, l] = [await out.predicted.data(), await out.labels.data()];
    total += await out.loss.item();
    for (const t of [out.predicted, out.labels, out.loss]) t.dispose();
    for (let i = 0; i < p.length; i++) if (p[i] === l[i]) correct++;
    seen += p.length;
  });
  return { accuracy: seen === 0 ? NaN : correct / seen, loss: count === 0 ? NaN : total / count };
}

/** The book's calc_accuracy_loader: fraction of correct predictions over the first numBatches batches. */
export async function calcAccuracyLoader(loader: BatchSource, model: ClassifierModel, numBatches?: number): Promise<number> {
  return (await evaluateClassifierLoader(loader, model, numBatches)).accuracy;
}

/** The book's calc_loss_loader for classification: mean of the per-batch losses over the first numBatches batches. */
export async function calcClassificationLossLoader(loader: BatchSource, model: ClassifierModel, numBatches?: number): Promise<number> {
  return (await evaluateClassifierLoader(loader, model, numBatches)).loss;
}
