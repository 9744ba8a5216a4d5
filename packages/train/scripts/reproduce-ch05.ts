// The book's chapter 5 run: GPT-2 124M (context 256) on "The Verdict", batch 2, AdamW lr 4e-4,
// weight decay 0.1, 10 epochs, seed 123, evaluation every 5 steps on 5 batches, a sample of
// "Every effort moves you" after each epoch. The book reports the training loss falling from
// about 10 to below 1 while the validation loss stays around 6.
//
//   npx tsx packages/train/scripts/reproduce-ch05.ts                # the full run (about 230 steps)
//   npx tsx packages/train/scripts/reproduce-ch05.ts --scaled-down  # a tiny model for 2 epochs, to check the script
import { parseArgs } from 'node:util';
import { runVerdict } from './verdict-run.js';

const { values } = parseArgs({ options: { 'scaled-down': { type: 'boolean', default: false }, epochs: { type: 'string' } } });
await runVerdict({
  name: 'ch05-verdict',
  epochs: values.epochs ? Number(values.epochs) : values['scaled-down'] ? 2 : 10,
  lr: 4e-4,
  evalIter: 5,
  scaledDown: values['scaled-down'] ?? false,
  describe: { optimizer: 'AdamW', lr: 4e-4, weightDecay: 0.1, schedule: 'constant' },
});
