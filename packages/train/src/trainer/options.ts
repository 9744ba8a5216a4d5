// What a Trainer is built from, and what it reports to callbacks.
import type { Generator, Tensor } from '@llm/tensor';
import type { Json } from '../checkpoint/checkpoint.js';
import type { DataLoader } from '../data/loader.js';
import type { BatchSource } from '../loss.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import type { ProgressOptions } from '../progress/bar.js';
import type { SampleOptions } from '../sample.js';
import type { LanguageModel, TextTokenizer } from '../types.js';

/** A model whose weights can be saved and restored (as @llm/nn's Module). */
export interface TrainableModel extends LanguageModel {
  stateDict(): Record<string, Tensor> | Map<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): unknown;
}

export interface StepEvent { step: number; epoch: number; loss: number; lr: number; tokensSeen: number; gradNorm?: number; seconds: number }
export interface EvalEvent { step: number; epoch: number; trainLoss: number; valLoss: number; tokensSeen: number }
export interface EpochEvent { epoch: number; step: number; tokensSeen: number; sample?: string }
export interface SampleEvent { step: number; epoch: number; text: string }

export interface TrainerOptions {
  model: TrainableModel;
  trainLoader: DataLoader;
  valLoader?: BatchSource;
  /** Default: AdamW over all parameters with `lr` and `weightDecay`. */
  optimizer?: Optimizer;
  /** Peak (or constant) learning rate; default: the optimizer's, else 4e-4 (the book's chapter 5). */
  lr?: number;
  /** Weight decay of the default AdamW (default 0.1). */
  weightDecay?: number;
  /** Epochs over trainLoader (default 1). */
  epochs?: number;
  /** Plan this many steps instead of whole epochs (the last epoch may end part-way). */
  maxSteps?: number;
  /** Evaluate every this many steps, on the first evalIter batches of each loader (the book: 5 and 5). */
  evalFreq?: number;
  evalIter?: number;
  /** 'constant' (default), 'cosine' (linear warmup + cosine decay, appendix D), or your own function of the 0-based step. */
  schedule?: 'constant' | 'cosine' | LrSchedule;
  /** Warmup steps: a count, or a fraction of all steps when below 1 (default 0.2 for 'cosine', as the book; else 0). */
  warmup?: number;
  /** 'cosine' starts at initialLr and ends at minLr (defaults: lr / 100 and initialLr). */
  initialLr?: number;
  minLr?: number;
  /** Clip gradients to this global norm (off when undefined). */
  clipGradNorm?: number;
  /** Clip only once warmup is over, as the book (default true). */
  clipAfterWarmup?: boolean;
  /** Seeds the default generator (dropout) when a fresh run starts (default 123). The loader's own seed orders the batches. */
  seed?: number;
  /** A greedy continuation of startContext printed after each epoch and at the end (the book's generate_and_print_sample). */
  sample?: { startContext: string; tokenizer: TextTokenizer } & SampleOptions;
  /** Also print a sample every this many steps. */
  sampleEvery?: number;
  /** Writes metrics.jsonl, the loss plot and checkpoints/ here. */
  outDir?: string;
  /** Loss plot formats written to outDir at the end of each epoch (default ['svg']). */
  plotFormats?: ('svg' | 'png')[];
  /** Save a checkpoint to outDir/checkpoints every this many steps and at the end (off when undefined). */
  checkpointEvery?: number;
  keepCheckpoints?: number;
  /** Extra configuration saved in checkpoints (the model config, say). */
  config?: Record<string, Json>;
  /** Other generators whose state a checkpoint must carry (the default one always is). */
  generators?: Generator[];
  /** Progress bar (true: auto TTY/plain on stdout; false: silent). Default true. */
  progress?: boolean | ProgressOptions;
  /** Where evaluation and sample lines go (default: above the progress bar, or nowhere when progress is off). */
  log?: (line: string) => void;
  onStep?: (e: StepEvent) => void | Promise<void>;
  onEval?: (e: EvalEvent) => void | Promise<void>;
  onEpoch?: (e: EpochEvent) => void | Promise<void>;
  onSample?: (e: SampleEvent) => void | Promise<void>;
}

/** Evaluations, as the book's train_model_simple returns them, plus where each happened. */
export interface TrainHistory {
  trainLosses: number[];
  valLosses: number[];
  tokensSeen: number[];
  /** The step count (1-based) and fractional epoch of each evaluation. */
  evalSteps: number[];
  epochsSeen: number[];
}

export interface TrainResult extends TrainHistory {
  /** The training loss of every step this fit() ran, and the seconds each took. */
  stepLosses: number[];
  stepSeconds: number[];
  /** Steps done in total (counting those before a resume), and planned. */
  step: number;
  totalSteps: number;
}
