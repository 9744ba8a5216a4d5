// Shared by the book's two runs on "The Verdict" (chapter 5 and appendix D): read the story in
// place, split 90/10 by characters, build the 124M model with context 256, train, and write the
// losses and seconds per step to results/<name>.json in the bench JSON shape plus "command".
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPTModel, type GPTConfig } from '@llm/gpt';
import { manualSeed } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { AdamW, createDataLoaderV1, type TrainerOptions } from '../src/index.js';
import { Trainer } from '../src/node.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const verdictPath = join(repoRoot, '..', 'shared', 'data', 'the-verdict.txt');

export const GPT_CONFIG_124M_256: GPTConfig = { vocabSize: 50257, contextLength: 256, embDim: 768, nHeads: 12, nLayers: 12, dropRate: 0.1, qkvBias: false };
/** A scaled-down stand-in to check the script quickly: same data and loop, a model that trains in seconds. */
export const GPT_CONFIG_SCALED_DOWN: GPTConfig = { vocabSize: 50257, contextLength: 32, embDim: 32, nHeads: 2, nLayers: 1, dropRate: 0.1, qkvBias: false };

export interface VerdictRun {
  name: string;
  epochs: number;
  lr: number;
  evalIter: number;
  scaledDown: boolean;
  /** Trainer options beyond the book's chapter 5 loop (schedule, clipping). */
  extra?: (totalSteps: number) => Partial<TrainerOptions>;
  describe: Record<string, unknown>;
}

/** Reads the story, or prints why not and exits 0 (the data is optional). */
export function readVerdictOrExit(): string {
  if (!existsSync(verdictPath)) {
    console.log(`skipped: ${verdictPath} is absent (the story is read in place from ../shared/data, never copied into the repository)`);
    process.exit(0);
  }
  return readFileSync(verdictPath, 'utf8');
}

export async function runVerdict(run: VerdictRun): Promise<void> {
  const text = readVerdictOrExit();
  const config = run.scaledDown ? GPT_CONFIG_SCALED_DOWN : GPT_CONFIG_124M_256;
  const T = config.contextLength;
  const split = Math.floor(0.9 * text.length);
  const tokenizer = getEncoding('gpt2');
  manualSeed(123);
  const trainLoader = createDataLoaderV1(text.slice(0, split), { batchSize: 2, maxLength: T, stride: T, shuffle: true, dropLast: true, seed: 123, tokenizer });
  const valLoader = createDataLoaderV1(text.slice(split), { batchSize: 2, maxLength: T, stride: T, shuffle: false, dropLast: false, tokenizer });
  manualSeed(123);
  const model = new GPTModel(config);
  const optimizer = new AdamW(model.parameters(), { lr: run.lr, weightDecay: 0.1 });
  const totalSteps = run.epochs * trainLoader.length;
  console.log(`${run.name}: ${config.nLayers} layers, embDim ${config.embDim}, context ${T}${run.scaledDown ? ' (scaled down)' : ''}; ${trainLoader.length} train and ${valLoader.length} val batches of 2; ${run.epochs} epochs = ${totalSteps} steps`);
  const trainer = new Trainer({
    model, trainLoader, valLoader, optimizer, epochs: run.epochs, evalFreq: 5, evalIter: run.evalIter, seed: 123,
    sample: { startContext: 'Every effort moves you', tokenizer, maxNewTokens: 50 }, ...run.extra?.(totalSteps),
  });
  const r = await trainer.fit();
  const sorted = [...r.stepSeconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const last = r.trainLosses.length - 1;
  const result = {
    name: run.name,
    unit: 's/step',
    higherIsBetter: false,
    ours: median,
    peers: {},
    config: { ...config, ...run.describe, epochs: run.epochs, batchSize: 2, seed: 123, evalFreq: 5, evalIter: run.evalIter, totalSteps, scaledDown: run.scaledDown, trainBatches: trainLoader.length, valBatches: valLoader.length },
    command: `npx tsx ${relative(repoRoot, process.argv[1] ?? '')}${process.argv.slice(2).map((a) => ` ${a}`).join('')}`.trim(),
    final: { trainLoss: r.trainLosses[last], valLoss: r.valLosses[last] },
    trainLosses: r.trainLosses,
    valLosses: r.valLosses,
    tokensSeen: r.tokensSeen,
    evalSteps: r.evalSteps,
    stepLosses: r.stepLosses,
    secondsPerStep: r.stepSeconds,
    totalSeconds: r.stepSeconds.reduce((a, b) => a + b, 0),
  };
  const file = join(repoRoot, 'results', `${run.name}${run.scaledDown ? '-scaled-down' : ''}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`final: train loss ${result.final.trainLoss.toFixed(3)}, val loss ${result.final.valLoss.toFixed(3)}; median ${median.toFixed(2)} s/step; wrote ${relative(repoRoot, file)}`);
}
