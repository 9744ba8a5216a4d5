// llm finetune classify | instruct: the book's chapters 6 and 7 as one command each, calling
// @llm/finetune's pipelines (data, training with a progress bar, evaluation, the saved model).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { backendOption, type Command, flag, num, type OptionSpec, str, type Values } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { resolveModelSource } from '../models.js';
import { progressTo } from '../progress.js';
import { resolveConfig } from '../pretrain/config.js';

/** Options both pipelines share. */
const common: Record<string, OptionSpec> = {
  model: { type: 'string', short: 'm', value: 'DIR|NAME', description: "weights to start from: a GPT-2 name from 'llm download', a model folder, or a pretraining checkpoint", defaultText: 'gpt2' },
  config: { type: 'string', value: 'NAME|FILE', description: 'start from a fresh random GPT of this size instead (tiny, small, ...: quick runs and tests)' },
  epochs: { type: 'string', value: 'N', description: 'passes over the training split', defaultText: '5 for classify, 2 for instruct' },
  steps: { type: 'string', value: 'N', description: 'stop after N optimizer steps' },
  'batch-size': { type: 'string', value: 'N', description: 'examples per step', defaultText: '8' },
  lr: { type: 'string', value: 'LR', description: 'learning rate (AdamW)', defaultText: '5e-5' },
  'weight-decay': { type: 'string', value: 'W', description: 'AdamW weight decay', defaultText: '0.1' },
  'eval-every': { type: 'string', value: 'N', description: 'evaluate losses every N steps' },
  'eval-iter': { type: 'string', value: 'N', description: 'batches per evaluation', defaultText: '5' },
  'lora-rank': { type: 'string', value: 'R', description: 'train LoRA adapters of this rank instead of the weights (appendix E: 16)' },
  'lora-alpha': { type: 'string', value: 'A', description: 'LoRA scale alpha', defaultText: 'the rank' },
  seed: { type: 'string', value: 'N', description: 'random seed', defaultText: '123' },
  force: { type: 'boolean', description: 'write into --out even if an earlier run left its results there' },
  ...backendOption,
};

const int = (v: Values, name: string, min = 1) => num(v, name, { integer: true, min });

/** What both pipelines take from the command line. */
async function commonOptions(values: Values, io: CliIO, outDir: string) {
  if (existsSync(join(outDir, 'metrics.json')) && !flag(values, 'force')) {
    throw new UsageError(`${outDir} holds the results of an earlier run; pass --force to replace them, or another --out`);
  }
  const configName = str(values, 'config');
  if (configName && values.model !== undefined) throw new UsageError('give --model (pretrained weights) or --config (a fresh model), not both');
  const loraRank = int(values, 'lora-rank');
  if (values['lora-alpha'] !== undefined && loraRank === undefined) throw new UsageError('--lora-alpha needs --lora-rank');
  return {
    ...(configName ? { config: await resolveConfig(configName) } : { model: await resolveModelSource(str(values, 'model') ?? 'gpt2') }),
    epochs: int(values, 'epochs'), maxSteps: int(values, 'steps'), batchSize: int(values, 'batch-size'),
    lr: num(values, 'lr', { above: 0 }), weightDecay: num(values, 'weight-decay', { min: 0 }),
    evalFreq: int(values, 'eval-every'), evalIter: int(values, 'eval-iter'), seed: int(values, 'seed', 0),
    lora: loraRank === undefined ? undefined : { rank: loraRank, alpha: num(values, 'lora-alpha', { above: 0 }) ?? loraRank },
    backend: str(values, 'backend'), outDir,
    ...progressTo(io),
  };
}

/** The pipelines' own errors start with their function's name; the command line does not need it. */
async function pipeline<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliError) throw e;
    throw new CliError((e as Error).message.replace(/^(runClassificationFinetune|runInstructionFinetune|loadBaseModel|loadPretrained): /, ''));
  }
}

export const finetuneClassifyCommand: Command = {
  name: 'finetune classify',
  summary: 'fine-tune a GPT into a text classifier (the book\'s spam classifier, chapter 6)',
  args: '[options]',
  description: [
    'Balances and splits the data 70/10/20, replaces the output head with one of a row per label, trains the last',
    'block, the final norm and the head (or LoRA adapters), and reports accuracy on each split. Writes the splits,',
    "metrics.json, the loss plot and classifier/ to --out; 'llm classify --model OUT' uses it.",
  ].join('\n'),
  options: {
    data: { type: 'string', value: 'SOURCE', description: 'spam-assassin (shipped by an npm package), a "label<TAB>text" file, or a folder with train/validation/test.csv', defaultText: 'spam-assassin' },
    labels: { type: 'string', value: 'A,B', description: 'label names for numeric CSV labels', defaultText: 'ham,spam' },
    'max-examples': { type: 'string', value: 'N', description: 'use at most N (balanced) examples, for quick runs' },
    'max-length': { type: 'string', value: 'N', description: 'tokens per example', defaultText: 'the longest training text' },
    'trainable-blocks': { type: 'string', value: 'N|all', description: 'transformer blocks to train, from the top', defaultText: '1' },
    unbalanced: { type: 'boolean', description: 'keep every example instead of undersampling to equal classes' },
    ...common,
    out: { type: 'string', value: 'DIR', description: 'where the results go', defaultText: 'runs/finetune-classify' },
  },
  examples: [
    'llm download gpt2 && llm finetune classify --epochs 5',
    'llm finetune classify --config tiny --max-examples 200 --steps 20 --out runs/quick-classify',
  ],
  async run({ values, io }) {
    const outDir = str(values, 'out') ?? 'runs/finetune-classify';
    const blocks = str(values, 'trainable-blocks');
    const trainableBlocks = blocks === 'all' ? ('all' as const) : int(values, 'trainable-blocks');
    const labels = str(values, 'labels')?.split(',').map((l) => l.trim()).filter(Boolean);
    if (labels && labels.length < 2) throw new UsageError(`--labels needs at least two names, got '${values.labels}'`);
    const opts = {
      ...(await commonOptions(values, io, outDir)),
      data: str(values, 'data'), labels, maxExamples: int(values, 'max-examples', 2), maxLength: int(values, 'max-length'),
      trainableBlocks, balance: !flag(values, 'unbalanced'),
    };
    const { runClassificationFinetune } = await import('@llm/finetune/node');
    const r = await pipeline(() => runClassificationFinetune(opts));
    const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
    io.stdout.write(`Test accuracy ${percent(r.testAccuracy)} (training ${percent(r.trainAccuracy)}, validation ${percent(r.valAccuracy)}); the classifier is in ${r.paths.classifier}.\n`);
    io.stdout.write(`Done in ${r.seconds.toFixed(0)} s. Try: llm classify --model ${outDir} "You won a free cruise! Reply now to claim."\n`);
    return 0;
  },
};

export const finetuneInstructCommand: Command = {
  name: 'finetune instruct',
  summary: 'fine-tune a GPT to follow instructions (Alpaca prompts, chapter 7)',
  args: '[options]',
  description: [
    'Splits the data 85/10/5, trains on Alpaca-formatted prompts and responses, answers the test instructions, scores',
    'the answers (exact match, ROUGE-L, and with --judge an LLM judge over HTTP such as Ollama or `llm serve`), and',
    "writes model/, the responses, metrics.json and the loss plot to --out; 'llm chat --model OUT' talks to it.",
  ].join('\n'),
  options: {
    data: { type: 'string', value: 'SOURCE', description: "builtin (an offline dataset), or a JSON file of {instruction, input, output} (the book's instruction-data.json)", defaultText: 'builtin' },
    'builtin-size': { type: 'string', value: 'N', description: 'entries of the builtin dataset', defaultText: '1100' },
    'max-entries': { type: 'string', value: 'N', description: 'use only the first N entries' },
    'max-test': { type: 'string', value: 'N', description: 'answer at most N test instructions' },
    'mask-prompt': { type: 'boolean', description: "leave the prompt's tokens out of the loss (exercise 7.2)" },
    'max-length': { type: 'string', value: 'N', description: 'cut training sequences to N tokens', defaultText: 'the context length' },
    'max-new-tokens': { type: 'string', value: 'N', description: 'tokens per test answer at most', defaultText: '256' },
    judge: { type: 'string', value: 'URL', description: 'score answers with an LLM judge at this URL (Ollama /api/chat, /api/generate, or /v1/chat/completions)' },
    'judge-model': { type: 'string', value: 'NAME', description: 'the judging model', defaultText: 'llama3' },
    ...common,
    out: { type: 'string', value: 'DIR', description: 'where the results go', defaultText: 'runs/finetune-instruct' },
  },
  examples: [
    'llm download gpt2-medium && llm finetune instruct --model gpt2-medium --data ../shared/data/instruction-data.json',
    'llm finetune instruct --judge http://localhost:11434/api/chat --judge-model llama3',
  ],
  async run({ values, io }) {
    const outDir = str(values, 'out') ?? 'runs/finetune-instruct';
    const judgeUrl = str(values, 'judge');
    if (values['judge-model'] !== undefined && !judgeUrl) throw new UsageError('--judge-model needs --judge URL');
    const opts = {
      ...(await commonOptions(values, io, outDir)),
      data: str(values, 'data'), builtinSize: int(values, 'builtin-size'), maxEntries: int(values, 'max-entries'),
      maxTestEntries: int(values, 'max-test', 0), maskPrompt: flag(values, 'mask-prompt'), allowedMaxLength: int(values, 'max-length', 2),
      maxNewTokens: int(values, 'max-new-tokens'), judge: judgeUrl ? { url: judgeUrl, model: str(values, 'judge-model') } : (false as const),
    };
    const { runInstructionFinetune } = await import('@llm/finetune/node');
    const r = await pipeline(() => runInstructionFinetune(opts));
    io.stdout.write(`Test loss ${r.testLoss.toFixed(3)} (training ${r.trainLoss.toFixed(3)}, validation ${r.valLoss.toFixed(3)}); exact match ${(100 * r.scores.exactMatch).toFixed(1)}%, ROUGE-L F1 ${r.scores.rougeL.toFixed(3)}${r.judge ? `, judge score ${r.judge.average.toFixed(2)}` : ''}.\n`);
    io.stdout.write(`Done in ${r.seconds.toFixed(0)} s. Try: llm chat --model ${outDir}\n`);
    return 0;
  },
};
