// Pretraining with checkpoints: the demo's recipe (AdamW, warmup + cosine, clipping, samples,
// metrics.jsonl, loss plot) on any text, for a number of steps or epochs, saving a checkpoint every
// so often so that `--resume` carries on where an interrupted run stopped, exactly.
import { join } from 'node:path';
import type { GPTConfig } from '@llm/gpt';
import type { Json, ProgressOptions } from '@llm/train';
import { CliError } from '../errors.js';

/** Everything that defines a run; saved in its checkpoints so a resume rebuilds the same run. */
export interface RunSettings {
  config: GPTConfig;
  /** A UTF-8 text file, or undefined for the Brown corpus. */
  textFile?: string;
  maxChars?: number;
  steps?: number;
  epochs?: number;
  batchSize: number;
  lr: number;
  seed: number;
  prompt: string;
  evalFreq: number;
  sampleEvery: number;
  checkpointEvery: number;
}

export interface RunOptions {
  outDir: string;
  resume: boolean;
  log: (line: string) => void;
  progress: ProgressOptions;
}

export interface RunResult {
  modelDir: string;
  plotPaths: string[];
  finalTrainLoss: number;
  finalValLoss: number;
  steps: number;
  sample: string;
}

const CHECKPOINTS = 'checkpoints';

/** The settings a checkpoint under outDir was saved with (for --resume). */
export async function savedSettings(outDir: string): Promise<RunSettings> {
  const { readCheckpointManifest, resolveCheckpointDir } = await import('@llm/train/node');
  let dir: string;
  try {
    dir = await resolveCheckpointDir(join(outDir, CHECKPOINTS));
  } catch {
    throw new CliError(`nothing to resume: no checkpoint in ${join(outDir, CHECKPOINTS)}`);
  }
  let manifest: { meta: { config?: { run?: RunSettings } } };
  try {
    manifest = (await readCheckpointManifest(dir)) as typeof manifest; // errors name the file
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^loadCheckpoint: /, ''));
  }
  const run = manifest.meta.config?.run;
  if (!run?.config) throw new CliError(`${dir} was not written by 'llm pretrain' (its checkpoint.json has no run settings)`);
  return run;
}

export async function runPretraining(s: RunSettings, o: RunOptions): Promise<RunResult> {
  const { DataLoader, GPTDataset, encodeText, generateSample } = await import('@llm/train');
  const { Trainer, loadBrownCorpus } = await import('@llm/train/node');
  const { GPTModel } = await import('@llm/gpt');
  const { saveModel } = await import('@llm/gpt/node');
  const { getEncoding } = await import('@llm/tokenizer');
  const { getBackend, manualSeed } = await import('@llm/tensor');
  const { readFile } = await import('node:fs/promises');

  let text = s.textFile ? await readFile(s.textFile, 'utf8') : loadBrownCorpus();
  if (s.maxChars !== undefined) text = text.slice(0, s.maxChars);
  const tokenizer = getEncoding('gpt2');
  const split = Math.floor(0.9 * text.length); // the book's 90/10 split of the characters
  const trainIds = encodeText(text.slice(0, split), tokenizer);
  const valIds = encodeText(text.slice(split), tokenizer);
  const T = s.config.contextLength;
  if (valIds.length <= T) {
    throw new CliError(`the text is too short for context length ${T}: its validation part (the last 10%) has ${valIds.length} tokens; use a longer text or a smaller --context-length`);
  }
  const trainLoader = new DataLoader(new GPTDataset(trainIds, { maxLength: T, stride: T }), { batchSize: s.batchSize, shuffle: true, dropLast: true, seed: s.seed });
  const valLoader = new DataLoader(new GPTDataset(valIds, { maxLength: T, stride: T }), { batchSize: s.batchSize, dropLast: false });
  if (trainLoader.length === 0) throw new CliError(`the training text (${trainIds.length} tokens) does not fill one batch of ${s.batchSize}x${T} tokens; use a longer text or a smaller --batch-size`);

  manualSeed(s.seed); // the initial weights follow --seed (a resumed run overwrites them)
  const model = new GPTModel(s.config);
  const trainer = new Trainer({
    model, trainLoader, valLoader, maxSteps: s.steps, epochs: s.epochs, lr: s.lr, weightDecay: 0.1,
    schedule: 'cosine', warmup: 0.1, initialLr: s.lr / 10, minLr: s.lr / 10, clipGradNorm: 1,
    evalFreq: s.evalFreq, evalIter: 4, seed: s.seed,
    sample: { startContext: s.prompt, tokenizer, maxNewTokens: 30 }, sampleEvery: s.sampleEvery,
    outDir: o.outDir, plotFormats: ['svg', 'png'], checkpointEvery: s.checkpointEvery, keepCheckpoints: 2,
    // the model config at the top (as @llm/finetune reads checkpoints), the whole run beside it
    config: { ...s.config, run: s as unknown as Json }, progress: o.progress, log: o.log,
  });
  const source = s.textFile ?? 'the Brown corpus';
  o.log(`Pretraining a GPT (${s.config.nLayers} layers, ${s.config.nHeads} heads, embDim ${s.config.embDim}, context ${T}) on ${source}: ${trainIds.length.toLocaleString('en-US')} training and ${valIds.length.toLocaleString('en-US')} validation tokens, ${trainer.totalSteps} steps of ${s.batchSize}x${T} tokens, backend ${getBackend().name}.`);

  if (o.resume) {
    await trainer.loadCheckpoint(join(o.outDir, CHECKPOINTS));
    o.log(`Resuming at step ${trainer.step} of ${trainer.totalSteps}.`);
  }

  // the first Ctrl-C stops after this step and saves a checkpoint; a second one quits
  const onInterrupt = () => { o.log('Stopping after this step (Ctrl-C again to quit now); resume with --resume.'); trainer.stop(); };
  process.once('SIGINT', onInterrupt);
  let result;
  try {
    result = await trainer.fit(); // saves a last checkpoint when stopped early
    if (trainer.history.evalSteps.at(-1) !== trainer.step) await trainer.evaluate(); // the final losses
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  await saveModel(model, o.outDir);
  const plotPaths = await trainer.writePlots();
  const sample = await generateSample(model, tokenizer, s.prompt, { maxNewTokens: 40 });
  const { trainLosses, valLosses } = trainer.history;
  return {
    modelDir: o.outDir, plotPaths, steps: result.step, sample,
    finalTrainLoss: trainLosses[trainLosses.length - 1] ?? NaN, finalValLoss: valLosses[valLosses.length - 1] ?? NaN,
  };
}
