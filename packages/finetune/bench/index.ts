// @llm/finetune benchmarks: the two fine-tunings end to end, through the functions the CLI calls,
// on small models that fit a few minutes of 2 CPU cores, and LoRA's parameter count on GPT-2
// small. Each writes bench-results/<name>.json.
//
// Run all: tsx bench/index.ts; one case: tsx bench/index.ts lora (a substring of its name).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gptConfig, GPTModel } from '@llm/gpt';
import { Linear } from '@llm/nn';
import { trainBPE } from '@llm/tokenizer';
import { writeBenchResult } from '../../../bench/report.js';
import { formatExample, type InstructionEntry, replaceLinearWithLoRA, splitInstructionData } from '../src/index.js';
import { builtinInstructionData, loadInstructionData, runClassificationFinetune, runInstructionFinetune } from '../src/node.js';

const BOOK_DATA = fileURLToPath(new URL('../../../../shared/data/instruction-data.json', import.meta.url));
const only = process.argv[2];
const runs = join(tmpdir(), `llm-finetune-bench-${process.pid}`);
const quiet = { progress: false, log: (line: string) => console.log(`  ${line}`) };
const BOOK_SPAM = { 'book GPT-2 small (SMS)': 95.67 };

const cases: { name: string; run: () => Promise<void> }[] = [];
const bench = (name: string, run: () => Promise<void>) => cases.push({ name, run });

// spam classification on the Spam Assassin mails from a fresh small model, all layers trained
const clsConfig = { vocabSize: 50257, contextLength: 64, embDim: 32, nHeads: 2, nLayers: 2, dropRate: 0.1, qkvBias: false };
const clsOpts = { config: clsConfig, maxExamples: 1000, maxLength: 48, epochs: 2, lr: 1e-3, batchSize: 8, evalFreq: 50, seed: 123 };

bench('finetune-classify-spam-assassin', async () => {
  const r = await runClassificationFinetune({ ...clsOpts, trainableBlocks: 'all', outDir: join(runs, 'classify'), ...quiet });
  writeBenchResult({
    name: 'finetune-classify-spam-assassin', unit: '% test accuracy', higherIsBetter: true, ours: 100 * r.testAccuracy, peers: BOOK_SPAM,
    config: { ...clsOpts, trainableBlocks: 'all', examples: r.examples, trainAccuracy: r.trainAccuracy, valAccuracy: r.valAccuracy, trainSeconds: r.trainSeconds, seconds: r.seconds, note: 'a fresh 2-layer model, not GPT-2: the peer is the book\'s GPT-2 small on SMS data' },
  });
});

bench('finetune-classify-spam-assassin-lora', async () => {
  const r = await runClassificationFinetune({ ...clsOpts, lr: 5e-3, lora: { rank: 8, alpha: 2 }, outDir: join(runs, 'classify-lora'), ...quiet });
  writeBenchResult({
    name: 'finetune-classify-spam-assassin-lora', unit: '% test accuracy', higherIsBetter: true, ours: 100 * r.testAccuracy, peers: BOOK_SPAM,
    config: { ...clsOpts, lr: 5e-3, lora: { rank: 8, alpha: 2 }, parameters: r.parameters, examples: r.examples, trainSeconds: r.trainSeconds, seconds: r.seconds, note: 'LoRA on a fresh (untrained) model: the adapters carry all the learning' },
  });
});

bench('finetune-lora-params-gpt2-small', async () => {
  const model = new GPTModel(gptConfig('gpt2-small', { qkvBias: true }), { init: 'none' });
  model.outHead.dispose();
  model.outHead = new Linear(768, 2, { init: 'none' });
  const before = model.numParameters({ trainableOnly: true });
  replaceLinearWithLoRA(model, 16, 16);
  const after = model.numParameters({ trainableOnly: true });
  model.dispose();
  writeBenchResult({
    name: 'finetune-lora-params-gpt2-small', unit: 'trainable parameters', higherIsBetter: false, ours: after, peers: { 'book (appendix E)': 2_666_528 },
    config: { model: 'GPT-2 small, qkv biases, 2-class head', rank: 16, alpha: 16, trainableBefore: before, bookTrainableBefore: 124_441_346 },
  });
});

// instruction fine-tuning from a fresh small model with a small vocabulary trained on the training split
async function instruct(name: string, data: string, entries: InstructionEntry[]) {
  const train = splitInstructionData(entries).train;
  const tokenizer = trainBPE(train.map(formatExample).join('<|endoftext|>'), { vocabSize: 2048, specialTokens: ['<|endoftext|>'], name: 'bench-bpe' });
  const config = { vocabSize: tokenizer.nVocab, contextLength: 128, embDim: 64, nHeads: 4, nLayers: 2, dropRate: 0.1, qkvBias: false };
  const opts = { data, epochs: 3, lr: 1e-3, batchSize: 8, evalFreq: 50, maxTestEntries: 40, maxNewTokens: 32, seed: 123 };
  const r = await runInstructionFinetune({ ...opts, config, tokenizer, outDir: join(runs, name), ...quiet });
  writeBenchResult({
    name, unit: 'ROUGE-L F1 (%)', higherIsBetter: true, ours: 100 * r.scores.rougeL, peers: {},
    config: {
      ...opts, model: config, tokenizer: 'byte-level BPE (2,048) trained on the training split', examples: r.examples, exactMatch: r.scores.exactMatch,
      trainLoss: r.trainLoss, valLoss: r.valLoss, testLoss: r.testLoss, trainSeconds: r.trainSeconds, generateSeconds: r.generateSeconds, seconds: r.seconds,
      note: 'a fresh 2-layer model trained on the instruction data only; the book fine-tunes GPT-2 medium and scores with an LLM judge',
    },
  });
}

bench('finetune-instruct-builtin', () => instruct('finetune-instruct-builtin', 'builtin', builtinInstructionData()));
bench('finetune-instruct-book-data', async () => {
  if (!existsSync(BOOK_DATA)) {
    console.log(`  skipped: ${BOOK_DATA} is absent (the shared data folder beside the repository)`);
    return;
  }
  await instruct('finetune-instruct-book-data', BOOK_DATA, await loadInstructionData(BOOK_DATA));
});

for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  console.log(`\n${c.name}`);
  await c.run();
}
