// The book's appendix D run: the chapter 5 setup with a linear warmup over 20% of the steps
// (27 of 135) from 1e-5 to a peak of 1e-3, cosine decay back to 1e-5, and gradient clipping at
// norm 1.0 once warmup is over; 15 epochs, evaluation every 5 steps on 1 batch.
//
//   npx tsx packages/train/scripts/reproduce-appendix-d.ts
//   npx tsx packages/train/scripts/reproduce-appendix-d.ts --scaled-down
import { parseArgs } from 'node:util';
import { runVerdict } from './verdict-run.js';

const { values } = parseArgs({ options: { 'scaled-down': { type: 'boolean', default: false }, epochs: { type: 'string' } } });
const peakLr = 1e-3;
await runVerdict({
  name: 'appendix-d-verdict',
  epochs: values.epochs ? Number(values.epochs) : values['scaled-down'] ? 2 : 15,
  lr: peakLr,
  evalIter: 1,
  scaledDown: values['scaled-down'] ?? false,
  extra: (totalSteps) => ({ schedule: 'cosine', lr: peakLr, warmup: Math.floor(0.2 * totalSteps), initialLr: 1e-5, minLr: 1e-5, clipGradNorm: 1.0, clipAfterWarmup: true }),
  describe: { optimizer: 'AdamW', peakLr, initialLr: 1e-5, minLr: 1e-5, weightDecay: 0.1, warmupFraction: 0.2, schedule: 'warmup+cosine', clipGradNorm: 1.0 },
});
