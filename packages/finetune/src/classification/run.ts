// The whole of chapter 6 (and appendix E's LoRA variant) in one call, for the CLI's
// `llm finetune classify`: data → balanced 70/10/20 split (saved as CSV) → padded datasets →
// a GPT with an n-class head → training with @llm/train's Trainer → accuracy and loss on
// train/validation/test → the saved classifier and metrics.json.
import { GPTModel } from '@llm/gpt';
import { DataLoader, type TrainResult } from '@llm/train';
import { manualSeed } from '@llm/tensor';
import { type FinetunableModel, percent, type StartingPoint, type TrainingSettings } from '../common/run.js';
import { type FinetuneTask, runFinetune } from '../common/skeleton.js';
import { shuffled } from '../common/shuffle.js';
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

interface Sets {
  trainSet: SpamDataset;
  valSet: SpamDataset;
  testSet: SpamDataset;
  trainLoader: DataLoader;
  valLoader: DataLoader;
  testLoader: DataLoader;
  maxLength: number;
  splitPaths: string[];
  labels: string[];
  epochAccuracies: ClassificationFinetuneResult['epochAccuracies'];
}
interface Outcome extends Record<string, unknown> {
  metrics: ClassificationMetrics;
}

/** A GPT with a classification head: the classifier file stores a GPTModel. */
function asGPT(model: FinetunableModel): GPTModel {
  if (!(model instanceof GPTModel)) throw new Error(`runClassificationFinetune: classification fine-tunes GPT models; ${model.constructor.name} is not one (use runInstructionFinetune)`);
  return model;
}

function classificationTask(o: ClassificationFinetuneOptions): FinetuneTask<Awaited<ReturnType<typeof prepareSplits>> & { splitPaths: string[] }, Sets, Outcome> {
  const accuracyOn = async (model: FinetunableModel, sets: Sets, n?: number) => {
    model.eval();
    try {
      return { train: await calcAccuracyLoader(sets.trainLoader, model, n), validation: await calcAccuracyLoader(sets.valLoader, model, n), test: await calcAccuracyLoader(sets.testLoader, model, n) };
    } finally {
      model.train();
    }
  };
  return {
    name: 'classification',
    op: 'runClassificationFinetune',
    defaults: { epochs: 5, evalFreq: 50, outDir: 'runs/finetune-classify' },
    async loadData({ seed, outDir }, log) {
      const prepared = await prepareSplits(o, seed, log);
      return { ...prepared, splitPaths: await saveSplits(outDir, prepared.splits, prepared.labels) };
    },
    async datasets({ splits, labels, splitPaths }, { model, tokenizer, padTokenId, settings: { batchSize, seed }, log }) {
      asGPT(model);
      const { contextLength } = model.config;
      const trainSet = new SpamDataset(splits.train, tokenizer, { labels, maxLength: o.maxLength, contextLength: o.maxLength !== undefined ? contextLength : Math.min(contextLength, DEFAULT_MAX_LENGTH), padTokenId });
      const maxLength = trainSet.maxLength;
      const valSet = new SpamDataset(splits.validation, tokenizer, { labels, maxLength, padTokenId });
      const testSet = new SpamDataset(splits.test, tokenizer, { labels, maxLength, padTokenId });
      if (trainSet.length === 0) throw new Error('runClassificationFinetune: the training split is empty (too few examples)');
      log(`Splits: ${trainSet.length} train, ${valSet.length} validation, ${testSet.length} test, ${maxLength} tokens each; saved to ${splitPaths.join(', ')}.`);
      return {
        trainSet, valSet, testSet, maxLength, splitPaths, labels, epochAccuracies: [],
        trainLoader: new DataLoader(trainSet, { batchSize, shuffle: true, dropLast: trainSet.length >= batchSize, seed }),
        valLoader: new DataLoader(valSet, { batchSize }),
        testLoader: new DataLoader(testSet, { batchSize }),
      };
    },
    prepare(model, { labels, maxLength }, { settings: { seed } }, lora) {
      // the new head is drawn from the seeded global generator, as the book seeds torch before replacing it
      manualSeed(seed);
      const numClasses = labels.length;
      if (lora) {
        const trainableBeforeLoRA = parameterCounts(prepareClassifier(asGPT(model), { numClasses, trainableBlocks: 'all' })).trainable;
        // the new head's frozen base weights are random, not in the pretrained model: they travel with the adapters
        return { note: '', trainableBeforeLoRA, saveLoRA: { extra: ['outHead.linear.weight', 'outHead.linear.bias'], metadata: { labels: JSON.stringify(labels), maxLength: String(maxLength) } } };
      }
      prepareClassifier(asGPT(model), { numClasses, trainableBlocks: o.trainableBlocks, trainFinalNorm: o.trainFinalNorm });
      return { note: ` (trainableBlocks ${o.trainableBlocks ?? 1})` };
    },
    async before(model, sets, { settings: { evalIter }, log }) {
      const before = await accuracyOn(model, sets, evalIter);
      log(`Before fine-tuning (${evalIter} batches each): training accuracy ${percent(before.train)}, validation ${percent(before.validation)}, test ${percent(before.test)}.`);
      return before;
    },
    trainerHooks(model, sets, { settings: { evalIter }, log }) {
      return {
        onEpoch: async ({ epoch }) => {
          model.eval();
          try {
            const train = await calcAccuracyLoader(sets.trainLoader, model, evalIter);
            const validation = await calcAccuracyLoader(sets.valLoader, model, evalIter);
            sets.epochAccuracies.push({ epoch, train, validation });
            log(`Epoch ${epoch}: training accuracy ${percent(train)} | validation accuracy ${percent(validation)}`);
          } finally {
            model.train();
          }
        },
      };
    },
    async evaluate(model, sets, { log }, trainSeconds) {
      const [train, val, test] = [await evaluateClassifierLoader(sets.trainLoader, model), await evaluateClassifierLoader(sets.valLoader, model), await evaluateClassifierLoader(sets.testLoader, model)];
      const metrics: ClassificationMetrics = {
        trainAccuracy: train.accuracy, valAccuracy: val.accuracy, testAccuracy: test.accuracy,
        trainLoss: train.loss, valLoss: val.loss, testLoss: test.loss,
      };
      log(`Training accuracy: ${percent(metrics.trainAccuracy)}, validation accuracy: ${percent(metrics.valAccuracy)}, test accuracy: ${percent(metrics.testAccuracy)} (${trainSeconds.toFixed(1)} s of training).`);
      const examples = { train: sets.trainSet.length, validation: sets.valSet.length, test: sets.testSet.length };
      return { outcome: { metrics }, metrics: { data: o.data ?? 'spam-assassin', labels: sets.labels, examples, maxLength: sets.maxLength, ...metrics, epochAccuracies: sets.epochAccuracies } };
    },
    async save(model, { labels, maxLength }, { tokenizer, padTokenId, settings: { outDir }, join }) {
      const classifier = new TextClassifier(asGPT(model), { labels, maxLength, tokenizer, padTokenId });
      const path = join(outDir, 'classifier');
      await saveClassifier(classifier, path);
      return { path, extra: { classifier } };
    },
    hyper: () => ({ trainableBlocks: o.lora ? null : (o.trainableBlocks ?? 1) }),
  };
}

export async function runClassificationFinetune(o: ClassificationFinetuneOptions = {}): Promise<ClassificationFinetuneResult> {
  const r = await runFinetune(classificationTask(o), o);
  const { sets, initial } = r;
  return {
    classifier: r.saved.classifier as TextClassifier, model: asGPT(r.model), labels: sets.labels, ...r.outcome.metrics,
    initial: { trainAccuracy: initial.train, valAccuracy: initial.validation, testAccuracy: initial.test },
    examples: { train: sets.trainSet.length, validation: sets.valSet.length, test: sets.testSet.length }, maxLength: sets.maxLength,
    parameters: r.parameters, epochAccuracies: sets.epochAccuracies, training: r.training, seconds: r.seconds, trainSeconds: r.trainSeconds,
    paths: { outDir: r.paths.outDir, classifier: r.paths.model, metrics: r.paths.metrics, splits: sets.splitPaths, adapters: r.paths.adapters },
  };
}
