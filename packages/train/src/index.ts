// @llm/train: datasets and loaders, losses, optimizers, schedules, the training loop,
// checkpoints, progress and loss plots (the book's chapter 5 and appendix D).
export { GPTDataset, type GPTDatasetOptions, type Sample, type TokenIds } from './data/dataset.js';
export { DataLoader, type Batch, type DataLoaderOptions, type DataLoaderState, type SequenceDataset } from './data/loader.js';
export { calcLossBatch, calcLossLoader, evaluateModel, type BatchSource } from './loss.js';
export { Optimizer, type Hyper, type OptimizerStateDict, type ParamGroup, type ParamGroupSpec, type ParamState } from './optim/optimizer.js';
export { AdamW, adamwDefaults, type AdamWHyper } from './optim/adamw.js';
export { SGD, sgdDefaults, type SGDHyper } from './optim/sgd.js';
export { clipGradNorm } from './optim/clip.js';
export { constantSchedule, warmupCosineLr, warmupCosineSchedule, type LrSchedule, type WarmupCosineOptions } from './optim/schedule.js';
export { weightDecayGroups, type DecayGroupsOptions } from './optim/param-groups.js';
export type { LanguageModel, TextTokenizer } from './types.js';
export { createDataLoaderV1, encodeText, type CreateDataLoaderOptions } from './data/create-loader.js';
export { brownCorpusDir, brownFiles, detokenize, loadBrownCorpus, untagBrown, type BrownOptions } from './data/brown.js';
export { trainModelSimple, type SimpleTrainResult } from './train-simple.js';
export { generateSample, type SampleOptions } from './sample.js';
export { Trainer } from './trainer/trainer.js';
export type { EpochEvent, EvalEvent, StepEvent, TrainableModel, TrainerOptions, TrainHistory, TrainResult } from './trainer/options.js';
export { CheckpointManager, loadCheckpoint, resolveCheckpointDir, saveCheckpoint, type Checkpoint, type Json, type SaveCheckpointOptions } from './checkpoint/checkpoint.js';
export { MetricsLog, readMetrics, type MetricRecord } from './metrics.js';
export { ProgressBar, type ProgressOptions, type ProgressStream, type StepInfo } from './progress/bar.js';
export { formatCount, formatDuration } from './progress/format.js';
export { linspace, lossPlotSvg, type LossCurves, type LossPlotOptions } from './plot/loss-plot.js';
export { svgToPng, writeLossPlot, type RasterOptions } from './plot/write.js';
export { writeFileAtomic } from './fs.js';
export { DEMO_CONFIGS, runPretrainDemo, type PretrainDemoOptions, type PretrainDemoResult } from './demo.js';
