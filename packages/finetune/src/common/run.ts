// Small pieces the two fine-tuning pipelines share: choosing the backend, a model to start
// from, and writing their metrics.
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { getBackend, manualSeed, setBackend } from '@llm/tensor';
import { Encoding, getEncoding, saveEncoding } from '@llm/tokenizer';
import { type ProgressOptions } from '@llm/train';
import { writeFileAtomic } from '@llm/train/node';
import { findTokenizer, loadBaseModel, type ModelSource } from './base-model.js';
import { checkVocabulary, type FinetuneTokenizer } from './tokenizer.js';

/** Switches the default tensor backend ('cpu' or 'webgpu', which is started first). */
export async function useBackend(name: string | undefined): Promise<void> {
  if (!name || name === getBackend().name) return;
  if (name === 'webgpu') {
    const { initWebGPU } = await import('@llm/tensor');
    await initWebGPU();
  }
  setBackend(name);
}

export interface StartingPoint {
  /** Weights to start from: a path or GPT-2 name for loadBaseModel, or a GPTModel. */
  model?: ModelSource;
  /** No pretrained weights: a freshly initialised GPT of this config (seeded), for tests and from-scratch runs. */
  config?: GPTConfig;
}

/** How both fine-tunings train, run and report (the options they share). */
export interface TrainingSettings {
  /** Train low-rank adapters on every Linear layer instead (appendix E: rank 16, alpha 16). */
  lora?: { rank: number; alpha: number };
  epochs?: number;
  /** Stop after this many optimizer steps (default: whole epochs). */
  maxSteps?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** 'constant' (default, as the book) or 'cosine': linear warmup, then cosine decay to lr / 10 (appendix D). */
  schedule?: 'constant' | 'cosine';
  /** Warmup for 'cosine': steps, or a fraction of all steps when below 1 (default 0.1). */
  warmup?: number;
  /** Clip gradients to this global norm (default off). */
  clipGradNorm?: number;
  /** Evaluate losses every evalFreq steps on evalIter batches (the book: 50 and 5). */
  evalFreq?: number;
  evalIter?: number;
  seed?: number;
  /** Tensor backend: 'cpu' (default) or 'webgpu'. */
  backend?: string;
  progress?: boolean | ProgressOptions;
  log?: (line: string) => void;
  /** Default: the tokenizer.json beside the model's weights (a vocabulary trained here), else GPT-2's. */
  tokenizer?: FinetuneTokenizer;
}

/**
 * The model to fine-tune, where it came from, and its tokenizer: the one given, else the
 * tokenizer.json beside the weights, else GPT-2's.
 */
export async function startingModel(opts: StartingPoint & { tokenizer?: FinetuneTokenizer }, seed: number, op: string): Promise<{ model: GPTModel; source: string; tokenizer: FinetuneTokenizer }> {
  if (opts.model !== undefined && opts.config !== undefined) throw new Error(`${op}: pass either model (pretrained weights) or config (a fresh model), not both`);
  let model: GPTModel;
  let source: string;
  let tokenizer = opts.tokenizer;
  if (opts.config) {
    manualSeed(seed);
    model = new GPTModel(opts.config);
    source = 'random initialisation';
  } else {
    const from = opts.model ?? 'gpt2';
    model = await loadBaseModel(from);
    source = typeof from === 'string' ? from : 'the given GPTModel';
    if (!tokenizer && typeof from === 'string') tokenizer = (await findTokenizer(from))?.tokenizer;
  }
  tokenizer ??= getEncoding('gpt2');
  checkVocabulary(tokenizer, model.config.vocabSize, op);
  return { model, source, tokenizer };
}

/** Writes dir/tokenizer.json when the tokenizer is not GPT-2's (so whoever loads the model finds it); returns its path. */
export async function saveTokenizerBeside(dir: string, tokenizer: FinetuneTokenizer): Promise<string | undefined> {
  if (!(tokenizer instanceof Encoding) || tokenizer.name === 'gpt2' || tokenizer.name === 'r50k_base') return undefined;
  const { join } = await import('node:path');
  const path = join(dir, 'tokenizer.json');
  await writeFileAtomic(path, saveEncoding(tokenizer));
  return path;
}

/** JSON with 2-space indents, written atomically; NaN and infinities become null. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
