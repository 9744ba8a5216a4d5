// Section 6.5: a pretrained GPT becomes a classifier by replacing its vocabulary head with an
// n-class head and training only the top of the network (the last transformer block, the final
// LayerNorm and the new head by default); the logits of the last position are the prediction.
import type { GPTModel } from '@llm/gpt';
import { Linear } from '@llm/nn';
import { type Generator } from '@llm/tensor';

export interface ClassifierOptions {
  /** Classes of the new head (default 2). */
  numClasses?: number;
  /**
   * Transformer blocks to train, counted from the top (default 1, the book's choice), or 'all'
   * to train every parameter, embeddings included (sensible for a small model trained here).
   */
  trainableBlocks?: number | 'all';
  /** Train the final LayerNorm too (default true, as the book). */
  trainFinalNorm?: boolean;
  /** Draws the head's initial weights (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
}

/**
 * Replaces model.outHead by Linear(embDim, numClasses) (with a bias, as torch.nn.Linear) and sets
 * which parameters train. Modifies and returns the model. The old head is freed unless it is
 * the token embedding (a tied GPT-2 head).
 */
export function prepareClassifier(model: GPTModel, opts: ClassifierOptions = {}): GPTModel {
  const { numClasses = 2, trainableBlocks = 1, trainFinalNorm = true } = opts;
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) throw new RangeError(`prepareClassifier: numClasses must be an integer >= 2, got ${numClasses}`);
  const nLayers = model.trfBlocks.length;
  if (trainableBlocks !== 'all' && !(Number.isInteger(trainableBlocks) && trainableBlocks >= 0 && trainableBlocks <= nLayers)) {
    throw new RangeError(`prepareClassifier: trainableBlocks must be 'all' or an integer in [0, ${nLayers}], got ${trainableBlocks}`);
  }
  const old = model.outHead;
  const tied = model.weightsTied;
  model.outHead = new Linear(model.config.embDim, numClasses, { generator: opts.generator });
  if (tied) old.bias?.dispose();
  else old.dispose();
  if (trainableBlocks === 'all') return model.unfreeze();
  model.freeze();
  for (let i = nLayers - trainableBlocks; i < nLayers; i++) model.trfBlocks[i].unfreeze();
  if (trainFinalNorm) model.finalNorm.unfreeze();
  model.outHead.unfreeze();
  return model;
}

/** Parameter values in the model, and how many of them train. */
export function parameterCounts(model: { numParameters(opts?: { trainableOnly?: boolean }): number }): { total: number; trainable: number } {
  return { total: model.numParameters(), trainable: model.numParameters({ trainableOnly: true }) };
}
