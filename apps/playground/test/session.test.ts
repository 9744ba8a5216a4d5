// A training run as the worker does it: the BPE vocabulary fits the requested size, the validation
// loss falls from its start near ln(vocabulary) (GPT-2's small init), runs repeat exactly with the
// same seed, hooks see every step and evaluation, and a text too short to validate on is refused.
import { describe, expect, it } from 'vitest';
import { builtinText, hasBuiltinText } from './helpers.js';
import { DEFAULT_RUN, type EvalEvent, makeLoaders, prepareRun, runTraining, type SizedRunOptions, type StepEvent } from '../src/lib/session.js';

const QUICK: SizedRunOptions = { ...DEFAULT_RUN, vocabSize: 300, steps: 30, batchSize: 4, evalEvery: 10, evalBatches: 2, sampleEvery: 15, sampleTokens: 8 };

async function run(opts: SizedRunOptions) {
  const { tokenizer, model } = prepareRun(builtinText, opts);
  const steps: StepEvent[] = [];
  const samples: string[] = [];
  const result = await runTraining(model, tokenizer, builtinText, opts, { onStep: (e) => steps.push(e), onSample: (e) => samples.push(e.text) });
  model.dispose();
  return { tokenizer, steps, samples, evals: result.evals };
}

describe.runIf(hasBuiltinText)('a playground training run', () => {
  it('trains a vocabulary of the requested size and lowers the validation loss', async () => {
    const { tokenizer, steps, evals, samples } = await run(QUICK);
    expect(tokenizer.nVocab).toBe(300);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(evals.map((e: EvalEvent) => e.step)).toEqual([0, 10, 20, 30]);
    expect(Math.abs(evals[0].valLoss - Math.log(300))).toBeLessThan(0.2); // std 0.02 init: near-uniform predictions
    expect(evals.at(-1)!.valLoss).toBeLessThan(evals[0].valLoss - 1);
    expect(samples.length).toBe(2);
    expect(samples[0].startsWith('I HAD always thought')).toBe(true);
    // warmup (5% = 2 steps) then cosine decay down to a tenth of the peak at the last step
    expect(steps[0].lr).toBeCloseTo(QUICK.peakLr / 20, 10);
    expect(steps[1].lr).toBeGreaterThan(steps[0].lr);
    expect(steps.at(-1)!.lr).toBeCloseTo(QUICK.peakLr / 10 + (QUICK.peakLr * 0.9 * (1 + Math.cos(Math.PI * 27 / 28))) / 2, 10);
    expect(steps.every((s) => s.tokensPerSecond > 0 && Number.isFinite(s.etaSeconds))).toBe(true);
  });

  it('repeats a run exactly with the same seed, and stops when told', async () => {
    const a = await run({ ...QUICK, steps: 3, evalEvery: 100 });
    const b = await run({ ...QUICK, steps: 3, evalEvery: 100 });
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    const { tokenizer, model } = prepareRun(builtinText, QUICK);
    let seen = 0;
    const stopped = await runTraining(model, tokenizer, builtinText, QUICK, { onStep: () => seen++, stopped: () => seen >= 2 });
    expect(stopped.steps).toBe(2);
    model.dispose();
  });

  it('refuses a text whose validation part is too short', () => {
    const { tokenizer } = prepareRun(builtinText, QUICK);
    expect(() => makeLoaders('word '.repeat(40), tokenizer, 64, 4, 1)).toThrow(/the text is too short: its last 10% \(validation\) has \d+ tokens/);
  });
});
