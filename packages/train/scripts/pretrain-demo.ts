// The main demo as a script: pretrain a small GPT on the Brown corpus and generate from it.
//
//   npx tsx packages/train/scripts/pretrain-demo.ts [--steps 1000] [--config tiny|small|124M]
//       [--tokenizer bpe|gpt2] [--vocab-size 4096] [--text-file story.txt] [--backend cpu|webgpu]
//       [--out runs/pretrain-demo] [--prompt "The jury said"] [--no-png]
import { parseArgs } from 'node:util';
import { DEMO_CONFIGS, runPretrainDemo } from '../src/demo.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string' },
    config: { type: 'string', default: 'tiny' },
    'text-file': { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
    prompt: { type: 'string' },
    'batch-size': { type: 'string' },
    tokenizer: { type: 'string' },
    'vocab-size': { type: 'string' },
    'no-png': { type: 'boolean', default: false },
  },
});
if (!(values.config! in DEMO_CONFIGS)) {
  console.error(`--config must be one of ${Object.keys(DEMO_CONFIGS).join(', ')}, got '${values.config}'`);
  process.exit(2);
}
const result = await runPretrainDemo({
  steps: values.steps ? Number(values.steps) : undefined,
  config: values.config as keyof typeof DEMO_CONFIGS,
  textFile: values['text-file'],
  backend: values.backend,
  outDir: values.out,
  prompt: values.prompt,
  batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
  tokenizer: values.tokenizer as 'bpe' | 'gpt2' | undefined,
  vocabSize: values['vocab-size'] ? Number(values['vocab-size']) : undefined,
  plotFormats: values['no-png'] ? ['svg'] : ['svg', 'png'],
});
console.log(`done in ${result.seconds.toFixed(0)} s: final train loss ${result.finalTrainLoss.toFixed(3)}, val loss ${result.finalValLoss.toFixed(3)}`);
