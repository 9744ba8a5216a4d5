// Small pieces the two fine-tuning pipelines share: choosing the backend, a model to start
// from (where a model type plugs in: loading, its tokenizer, its end token, saving), and writing
// their metrics.
import { type GPTConfig, GPTModel, LlamaModel } from '@llm/gpt';
import { saveModel } from '@llm/gpt/node';
import { getBackend, manualSeed, setBackend } from '@llm/tensor';
import { Encoding, getEncoding, saveEncoding } from '@llm/tokenizer';
import { type ProgressOptions } from '@llm/train';
import { writeFileAtomic } from '@llm/train/node';
import { findTokenizer, hfTokenizerIn, llamaFolderOf, loadBaseModel, type ModelSource } from './base-model.js';
import { checkVocabulary, endOfTextId, type FinetuneTokenizer } from './tokenizer.js';

/** The model types the pipelines fine-tune. */
export type FinetunableModel = GPTModel | LlamaModel;

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
  /** Weights to start from: a path or model name for loadBaseModel (GPT-2, SmolLM2, Llama 3.2, Qwen3), or a model. */
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

export interface Started {
  model: FinetunableModel;
  source: string;
  tokenizer: FinetuneTokenizer;
  /** Pads batches, ends training answers and stops generation: <|endoftext|>, or a Llama / Qwen3 config's first end token. */
  padTokenId: number;
  /** Every end token of the model (a Llama / Qwen3 config's eos_token_id list). */
  stopIds: number[];
  /** A Llama / Qwen3 model's Hugging Face folder (its tokenizer files travel with the fine-tuned model). */
  hfDir?: string;
}

/**
 * The model to fine-tune, where it came from, and its tokenizer: the one given, else the
 * tokenizer.json beside the weights (ours, or a Llama / Qwen3 model's Hugging Face one), else GPT-2's.
 */
export async function startingModel(opts: StartingPoint & { tokenizer?: FinetuneTokenizer }, seed: number, op: string): Promise<Started> {
  if (opts.model !== undefined && opts.config !== undefined) throw new Error(`${op}: pass either model (pretrained weights) or config (a fresh model), not both`);
  let model: FinetunableModel;
  let source: string;
  let tokenizer = opts.tokenizer;
  let hfDir: string | undefined;
  if (opts.config) {
    manualSeed(seed);
    model = new GPTModel(opts.config);
    source = 'random initialisation';
  } else {
    const from = opts.model ?? 'gpt2';
    model = await loadBaseModel(from);
    source = typeof from === 'string' ? from : `the given ${from.constructor.name}`;
    hfDir = typeof from === 'string' && model instanceof LlamaModel ? await llamaFolderOf(from) : undefined;
    if (!tokenizer && hfDir) tokenizer = await hfTokenizerIn(hfDir);
    if (!tokenizer && typeof from === 'string') tokenizer = (await findTokenizer(from))?.tokenizer;
    if (!tokenizer && model instanceof LlamaModel) throw new Error(`${op}: pass the tokenizer of the given ${model.constructor.name} (GPT-2's does not fit it)`);
  }
  tokenizer ??= getEncoding('gpt2');
  checkVocabulary(tokenizer, model.config.vocabSize, op);
  const stopIds = model instanceof LlamaModel ? [...(model.config.eosTokenIds ?? [])] : [];
  const padTokenId = stopIds[0] ?? endOfTextId(tokenizer);
  return { model, source, tokenizer, padTokenId, stopIds, hfDir };
}

/**
 * Saves a fine-tuned model to dir as its type is read back: a GPT in our layout with its
 * tokenizer.json when that is not GPT-2's, a Llama / Qwen3 in Hugging Face's layout with its
 * tokenizer files. Resolves to the weights file.
 */
export async function saveFinetunedModel(started: Started, dir: string, metadata: Record<string, string>): Promise<string> {
  const path = await saveModel(started.model, dir, { metadata });
  if (started.model instanceof LlamaModel) {
    if (started.hfDir) {
      const { copyFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) await copyFile(join(started.hfDir, f), join(dir, f)).catch(() => undefined);
    }
  } else await saveTokenizerBeside(dir, started.tokenizer);
  return path;
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
