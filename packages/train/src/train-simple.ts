// The book's train_model_simple (chapter 5), line for line in spirit: for each epoch and batch,
// zero the gradients, compute the loss, backpropagate, step; every evalFreq steps print the
// train and validation loss; after each epoch print a sample. Only the loss is read back; the
// step leaves nothing behind (the loader frees its batches, backward() the graph, the loop the loss).
// The configurable version is Trainer.
import type { DataLoader } from './data/loader.js';
import { type BatchSource, calcLossBatch, evaluateModel } from './loss.js';
import type { Optimizer } from './optim/optimizer.js';
import { generateSample } from './sample.js';
import type { LanguageModel, TextTokenizer } from './types.js';

export interface SimpleTrainResult {
  trainLosses: number[];
  valLosses: number[];
  /** Tokens trained on at each evaluation. */
  tokensSeen: number[];
}

export async function trainModelSimple(
  model: LanguageModel,
  trainLoader: DataLoader | BatchSource,
  valLoader: BatchSource,
  optimizer: Optimizer,
  numEpochs: number,
  evalFreq: number,
  evalIter: number,
  startContext: string,
  tokenizer: TextTokenizer,
  opts: { log?: (line: string) => void; maxNewTokens?: number } = {},
): Promise<SimpleTrainResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const trainLosses: number[] = [];
  const valLosses: number[] = [];
  const trackTokensSeen: number[] = [];
  let tokensSeen = 0;
  let globalStep = -1;

  for (let epoch = 0; epoch < numEpochs; epoch++) {
    model.train();
    for (const [inputBatch, targetBatch] of trainLoader) {
      optimizer.zeroGrad();
      const loss = calcLossBatch(inputBatch, targetBatch, model);
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad();
      loss.dispose();
      tokensSeen += inputBatch.size;
      globalStep++;

      if (globalStep % evalFreq === 0) {
        const { trainLoss, valLoss } = await evaluateModel(model, trainLoader, valLoader, evalIter);
        trainLosses.push(trainLoss);
        valLosses.push(valLoss);
        trackTokensSeen.push(tokensSeen);
        log(`Ep ${epoch + 1} (Step ${String(globalStep).padStart(6, '0')}): Train loss ${trainLoss.toFixed(3)}, Val loss ${valLoss.toFixed(3)}`);
      }
    }
    log(await generateSample(model, tokenizer, startContext, { maxNewTokens: opts.maxNewTokens }));
  }
  return { trainLosses, valLosses, tokensSeen: trackTokensSeen };
}
