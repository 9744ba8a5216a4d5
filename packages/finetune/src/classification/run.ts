// The whole of chapter 6 (and appendix E's LoRA variant) in one call, for the CLI's
// `llm finetune classify`: data → balanced 70/10/20 split (saved as CSV) → padded datasets →
// a GPT with an n-class head → training with @llm/train's Trainer → accuracy and loss on
// train/validation/test → the saved classifier and metrics.json.
import type { GPTModel } from '@llm/gpt';
import { AdamW, DataLoader, type TrainResult } from '@llm/train';
import { Trainer } from '@llm/train/node';
import { manualSeed } from '@llm/tensor';
import { percent, type StartingPoint, startingModel, type TrainingSettings, useBackend, writeJson } from '../common/run.js';
import { shuffled } from '../common/shuffle.js';
import { endOfTextId } from '../common/tokenizer.js';
import { saveLoRA } from '../lora/lora-file.js';
import { replaceLinearWithLoRA, mergeLoRA } from '../lora/replace.js';
import { calcAccuracyLoader, evaluateClassifierLoader } from './accuracy.js';
import { saveClassifier } from './classifier-file.js';
import { parameterCounts, prepareClassifier } from './classifier.js';
import { loadSmsSpamCollection } from './sms-file.js';
import { loadSpamAssassin } from './spam-assassin.js';
import { SpamDataset } from './spam-dataset.js';
import { loadSplits, saveSplits } from './splits-files.js';
import { createBalancedDataset, labelNames, randomSplit, type Splits } from './splits.js';
import { TextClassifier } from './text-classifier.js';
import type { LabeledText } from './types.js';

export interface ClassificationFinetuneOptions extends StartingPoint, TrainingSettings {
  /**
   * 'spam-assassin' (default: the Spam Assassin mails this package depends on), a
   * "label<TAB>text" file (the book's SMS Spam Collection), or a folder holding train.csv,
   * validation.csv and test.csv (Label,Text) as this function writes them.
   */
  data?: string;
  /** Class names for numeric CSV labels (default ['ham', 'spam']). */
  labels?: string[];
  /** Undersample to equal classes before splitting (default true, as the book). */
  balance?: boolean;
  /** Use at most this many (balanced) examples in all, for quick runs. */
  maxExamples?: number;
  /**
   * Tokens per example (default: the longest training text, capped at the context length and at
   * 256: mails run to thousands of tokens, where the book's SMS messages have at most 120).
   */
  maxLength?: number;
  /** Transformer blocks to train from the top, or 'all' (default 1, the book's choice). Ignored with lora. */
  trainableBlocks?: number | 'all';
  trainFinalNorm?: boolean;
  /** Where the splits, metrics, loss plot and the classifier go (default runs/finetune-classify). */
  outDir?: string;
}

export interface ClassificationMetrics {
  trainAccuracy: number;
  valAccuracy: number;
  testAccuracy: number;
  trainLoss: number;
  valLoss: number;
  testLoss: number;
}

export interface ClassificationFinetuneResult extends ClassificationMetrics {
  classifier: TextClassifier;
  model: GPTModel;
  labels: string[];
  /** Accuracy before fine-tuning, on evalIter batches of each split (the book prints it too). */
  initial: { trainAccuracy: number; valAccuracy: number; testAccuracy: number };
  examples: { train: number; validation: number; test: number };
  maxLength: number;
  parameters: { total: number; trainable: number; trainableBeforeLoRA?: number };
  /** Accuracy on evalIter batches after each epoch. */
  epochAccuracies: { epoch: number; train: number; validation: number }[];
  training: TrainResult;
  /** Wall time of the whole call and of the training loop. */
  seconds: number;
  trainSeconds: number;
  paths: { outDir: string; classifier: string; metrics: string; splits: string[]; adapters?: string };
}

async function prepareSplits(o: ClassificationFinetuneOptions, seed: number, log: (s: string) => void): Promise<{ splits: Splits<LabeledText>; labels: string[]; source: string }> {
  const data = o.data ?? 'spam-assassin';
  if (data !== 'spam-assassin') {
    const { stat } = await import('node:fs/promises');
    const info = await stat(data).catch((e: Error) => { throw new Error(`runClassificationFinetune: data ${data}: ${e.message}`); });
    if (info.isDirectory()) {
      const labels = o.labels ?? ['ham', 'spam'];
      return { splits: await loadSplits(data, labels), labels, source: `${data} (train/validation/test.csv)` };
    }
  }
  const rows = data === 'spam-assassin' ? await loadSpamAssassin() : await loadSmsSpamCollection(data);
  const labels = o.labels ?? labelNames(rows);
  const counts = labels.map((l) => `${rows.filter((r) => r.label === l).length} ${l}`).join(', ');
  let pool = o.balance === false ? rows : createBalancedDataset(rows, { seed });
  if (o.maxExamples !== undefined && o.maxExamples < pool.length) {
    const perClass = Math.floor(o.maxExamples / labels.length);
    pool = labels.flatMap((l) => shuffled(pool.filter((r) => r.label === l), seed).slice(0, perClass));
  }
  log(`Data: ${data === 'spam-assassin' ? 'Spam Assassin public corpus' : data} (${counts}); ${pool.length} examples after ${o.balance === false ? 'no balancing' : 'balancing'}.`);
  return { splits: randomSplit(pool, { trainFrac: 0.7, valFrac: 0.1, seed }), labels, source: data };
}

const DEFAULT_MAX_LENGTH = 256;

export async function runClassificationFinetune(o: ClassificationFinetuneOptions = {}): Promise<ClassificationFinetuneResult> {
  const t0 = performance.now();
  const log = o.log ?? ((line: string) => console.log(line));
  const { epochs = 5, batchSize = 8, lr = 5e-5, weightDecay = 0.1, evalFreq = 50, evalIter = 5, seed = 123, outDir = 'runs/finetune-classify' } = o;
  await useBackend(o.backend);
  const { join } = await import('node:path');

  const { splits, labels } = await prepareSplits(o, seed, log);
  const splitPaths = await saveSplits(outDir, splits, labels);
  const { model, source, tokenizer } = await startingModel(o, seed, 'runClassificationFinetune');
  const { contextLength } = model.config;
  const padTokenId = endOfTextId(tokenizer);
  const trainSet = new SpamDataset(splits.train, tokenizer, { labels, maxLength: o.maxLength, contextLength: o.maxLength !== undefined ? contextLength : Math.min(contextLength, DEFAULT_MAX_LENGTH), padTokenId });
  const maxLength = trainSet.maxLength;
  const valSet = new SpamDataset(splits.validation, tokenizer, { labels, maxLength, padTokenId });
  const testSet = new SpamDataset(splits.test, tokenizer, { labels, maxLength, padTokenId });
  if (trainSet.length === 0) throw new Error('runClassificationFinetune: the training split is empty (too few examples)');
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle: true, dropLast: trainSet.length >= batchSize, seed });
  const valLoader = new DataLoader(valSet, { batchSize });
  const testLoader = new DataLoader(testSet, { batchSize });
  log(`Splits: ${trainSet.length} train, ${valSet.length} validation, ${testSet.length} test, ${maxLength} tokens each; saved to ${splitPaths.join(', ')}.`);

  // the new head is drawn from the seeded global generator, as the book seeds torch before replacing it
  manualSeed(seed);
  const trainableBeforeLoRA = o.lora ? parameterCounts(prepareClassifier(model, { numClasses: labels.length, trainableBlocks: 'all' })).trainable : undefined;
  if (o.lora) replaceLinearWithLoRA(model, o.lora.rank, o.lora.alpha);
  else prepareClassifier(model, { numClasses: labels.length, trainableBlocks: o.trainableBlocks, trainFinalNorm: o.trainFinalNorm });
  const parameters = { ...parameterCounts(model), trainableBeforeLoRA };
  log(`Model: ${source} (${model.config.nLayers} layers, embDim ${model.config.embDim}, context ${contextLength}); ${parameters.trainable.toLocaleString('en-US')} of ${parameters.total.toLocaleString('en-US')} parameters train${o.lora ? ` (LoRA rank ${o.lora.rank}, alpha ${o.lora.alpha})` : ` (trainableBlocks ${o.trainableBlocks ?? 1})`}.`);

  const accuracyOn = async (n?: number) => {
    model.eval();
    try {
      return { train: await calcAccuracyLoader(trainLoader, model, n), validation: await calcAccuracyLoader(valLoader, model, n), test: await calcAccuracyLoader(testLoader, model, n) };
    } finally {
      model.train();
    }
  };
  const before = await accuracyOn(evalIter);
  log(`Before fine-tuning (${evalIter} batches each): training accuracy ${percent(before.train)}, validation ${percent(before.validation)}, test ${percent(before.test)}.`);

  const epochAccuracies: ClassificationFinetuneResult['epochAccuracies'] = [];
  const trainer = new Trainer({
    model, trainLoader, valLoader, optimizer: new AdamW(model.trainableParameters(), { lr, weightDecay }),
    epochs, maxSteps: o.maxSteps, evalFreq, evalIter, seed, outDir, progress: o.progress ?? true, log: o.log,
    lr, schedule: o.schedule ?? 'constant', warmup: o.warmup ?? 0.1, initialLr: lr / 10, minLr: lr / 10, clipGradNorm: o.clipGradNorm, clipAfterWarmup: false,
    onEpoch: async ({ epoch }) => {
      model.eval();
      try {
        const train = await calcAccuracyLoader(trainLoader, model, evalIter);
        const validation = await calcAccuracyLoader(valLoader, model, evalIter);
        epochAccuracies.push({ epoch, train, validation });
        const line = `Epoch ${epoch}: training accuracy ${percent(train)} | validation accuracy ${percent(validation)}`;
        log(line);
      } finally {
        model.train();
      }
    },
  });
  const tTrain = performance.now();
  const training = await trainer.fit();
  const trainSeconds = (performance.now() - tTrain) / 1000;

  model.eval();
  const [train, val, test] = [await evaluateClassifierLoader(trainLoader, model), await evaluateClassifierLoader(valLoader, model), await evaluateClassifierLoader(testLoader, model)];
  const metrics: ClassificationMetrics = {
    trainAccuracy: train.accuracy, valAccuracy: val.accuracy, testAccuracy: test.accuracy,
    trainLoss: train.loss, valLoss: val.loss, testLoss: test.loss,
  };
  log(`Training accuracy: ${percent(metrics.trainAccuracy)}, validation accuracy: ${percent(metrics.valAccuracy)}, test accuracy: ${percent(metrics.testAccuracy)} (${trainSeconds.toFixed(1)} s of training).`);

  let adapters: string | undefined;
  if (o.lora) {
    adapters = join(outDir, 'lora-adapters.safetensors');
    // the new head's frozen base weights are random, not in the pretrained model: they travel with the adapters
    await saveLoRA(model, adapters, { extra: ['outHead.linear.weight', 'outHead.linear.bias'], metadata: { labels: JSON.stringify(labels), maxLength: String(maxLength) } });
    mergeLoRA(model);
  }
  const classifier = new TextClassifier(model, { labels, maxLength, tokenizer, padTokenId });
  const classifierPath = join(outDir, 'classifier');
  await saveClassifier(classifier, classifierPath);
  const metricsPath = join(outDir, 'metrics.json');
  const seconds = (performance.now() - t0) / 1000;
  const examples = { train: trainSet.length, validation: valSet.length, test: testSet.length };
  await writeJson(metricsPath, {
    task: 'classification', data: o.data ?? 'spam-assassin', model: source, labels, examples, maxLength, ...metrics, initial: before, epochAccuracies,
    parameters, lora: o.lora ?? null, config: { ...model.config }, hyper: { epochs, maxSteps: o.maxSteps ?? null, batchSize, lr, weightDecay, schedule: o.schedule ?? 'constant', warmup: o.schedule === 'cosine' ? (o.warmup ?? 0.1) : null, clipGradNorm: o.clipGradNorm ?? null, evalFreq, evalIter, seed, trainableBlocks: o.lora ? null : (o.trainableBlocks ?? 1) },
    steps: training.step, trainSeconds, seconds, trainLosses: training.trainLosses, valLosses: training.valLosses,
  });
  log(`Saved the classifier to ${classifierPath}${adapters ? `, the LoRA adapters to ${adapters}` : ''} and the metrics to ${metricsPath}.`);
  model.eval();
  return {
    classifier, model, labels, ...metrics, initial: { trainAccuracy: before.train, valAccuracy: before.validation, testAccuracy: before.test },
    examples, maxLength, parameters, epochAccuracies, training, seconds, trainSeconds,
    paths: { outDir, classifier: classifierPath, metrics: metricsPath, splits: splitPaths, adapters },
  };
}
