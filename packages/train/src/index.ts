// @llm/train: datasets and loaders, losses, optimizers, schedules, a simple training loop, samples,
// progress and loss plots (the book's chapter 5 and appendix D). Browser-safe; the Trainer with its
// checkpoints, metrics files and PNG plots, and the Brown corpus, are Node's: '@llm/train/node'.
export { GPTDataset, type GPTDatasetOptions, type Sample, type TokenIds } from './data/dataset.js';
export { DataLoader, type Batch, type DataLoaderOptions, type DataLoaderState, type SequenceDataset } from './data/loader.js';
export { calcLossBatch, calcLossLoader, evaluateModel, type BatchSource } from './loss.js';
export { bitsPerByte, tokenBytes } from './bits-per-byte.js';
export { Optimizer, type Hyper, type OptimizerStateDict, type ParamGroup, type ParamGroupSpec, type ParamState } from './optim/optimizer.js';
export { AdamW, adamwDefaults, type AdamWHyper } from './optim/adamw.js';
export { SGD, sgdDefaults, type SGDHyper } from './optim/sgd.js';
export { clipGradNorm } from './optim/clip.js';
export { constantSchedule, warmupCosineLr, warmupCosineSchedule, type LrSchedule, type WarmupCosineOptions } from './optim/schedule.js';
export { weightDecayGroups, type DecayGroupsOptions } from './optim/param-groups.js';
export type { LanguageModel, TextTokenizer } from './types.js';
export { createDataLoaderV1, encodeText, type CreateDataLoaderOptions } from './data/create-loader.js';
export { detokenize, untagBrown } from './data/brown-text.js';
export { trainModelSimple, type SimpleTrainResult } from './train-simple.js';
export { generateSample, type SampleOptions } from './sample.js';
export type { EpochEvent, EvalEvent, StepEvent, TrainableModel, TrainerOptions, TrainHistory, TrainResult } from './trainer/options.js';
export type { Checkpoint, Json } from './checkpoint/checkpoint.js';
export type { MetricRecord } from './metrics.js';
export { ProgressBar, type ProgressOptions, type ProgressStream, type StepInfo } from './progress/bar.js';
export { formatCount, formatDuration } from './progress/format.js';
export { linspace, lossPlotSvg, type LossCurves, type LossPlotOptions } from './plot/loss-plot.js';
