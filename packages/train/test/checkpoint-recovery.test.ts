// What interrupted and damaged saves leave behind: temporary files are cleaned up on the next
// start (those of a live process are not), a damaged newest checkpoint falls back to the newest
// intact one with a warning naming the damaged file, every error names its file, and a resumed
// run's metrics.jsonl has each step once, with the losses of an uninterrupted run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, tensor } from '@llm/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoader, GPTDataset, type TrainerOptions } from '../src/index.js';
import { CheckpointManager, loadCheckpoint, readMetrics, saveCheckpoint, Trainer } from '../src/node.js';
import { cyclicTokens, TinyLM } from './helpers/tiny-model.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'llm-ckpt-recovery-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const DEAD = 99_999_999; // above any pid_max: no such process
const ckpt = (step: number) => ({ model: { w: tensor([step, step + 1]) }, meta: { step } });

describe('stale files of interrupted saves', () => {
  it('are removed (or moved back) on the next start; a live process\'s are left alone', async () => {
    const root = join(tmp(), 'checkpoints');
    const m = new CheckpointManager(root);
    await m.save(10, ckpt(10));
    mkdirSync(join(root, `step-00000020.tmp-${DEAD}-abc`));
    writeFileSync(join(root, `latest.json.${DEAD}.xyz.tmp`), '{');
    await saveCheckpoint(join(root, `step-00000010.old-${DEAD}-def`), ckpt(10)); // its replacement did arrive
    await saveCheckpoint(join(root, `step-00000005.old-${DEAD}-ghi`), ckpt(5)); // its replacement never did
    mkdirSync(join(root, `step-00000030.tmp-${process.ppid}-jkl`)); // a save in progress elsewhere
    const done = await m.removeStale();
    expect(done).toHaveLength(4);
    expect(done.some((l) => /restored .*step-00000005 from/.test(l))).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['latest.json', 'step-00000005', 'step-00000010', `step-00000030.tmp-${process.ppid}-jkl`]);
    expect((await loadCheckpoint(join(root, 'step-00000005'))).meta.step).toBe(5);
  });
});

describe('damaged checkpoints', () => {
  it('the newest damaged one falls back to the newest intact one, with a warning naming the damaged file', async () => {
    for (const damage of ['model', 'manifest'] as const) {
      const root = join(tmp(), 'checkpoints');
      const m = new CheckpointManager(root, 3);
      for (const s of [10, 20, 30]) await m.save(s, ckpt(s));
      const bad = join(root, 'step-00000030');
      if (damage === 'model') truncateSync(join(bad, 'model.safetensors'), 20);
      else writeFileSync(join(bad, 'checkpoint.json'), '{"format": "llm-train-checkpoint", ');
      const warnings: string[] = [];
      const back = await loadCheckpoint(root, { onWarning: (w) => warnings.push(w) });
      expect(back.meta.step).toBe(20);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(join(bad, damage === 'model' ? 'model.safetensors' : 'checkpoint.json'));
      expect(warnings[0]).toMatch(/resuming from .*step-00000020, the newest intact checkpoint/);
      // asked for by name, the damaged one is an error that names its file
      await expect(loadCheckpoint(bad)).rejects.toThrow(damage === 'model' ? /step-00000030\/model\.safetensors/ : /step-00000030\/checkpoint\.json is not valid JSON/);
    }
  });
});

const tokens = cyclicTokens(400);
function setup(modelSeed: number, extra: Partial<TrainerOptions> = {}) {
  manualSeed(modelSeed);
  const model = new TinyLM();
  const trainLoader = new DataLoader(new GPTDataset(tokens.subarray(0, 340), { maxLength: 8, stride: 8 }), { batchSize: 4, shuffle: true, dropLast: true, seed: 5 });
  const valLoader = new DataLoader(new GPTDataset(tokens.subarray(340), { maxLength: 8, stride: 8 }), { batchSize: 4 });
  return new Trainer({ model, trainLoader, valLoader, lr: 0.05, epochs: 3, evalFreq: 3, evalIter: 2, progress: false, seed: 123, ...extra });
}

describe('resuming after a crash', () => {
  it('skips the damaged newest checkpoint, and metrics.jsonl holds each step once with the uninterrupted losses', async () => {
    const straight = await setup(1).fit();
    const out = tmp();
    await setup(1, { outDir: out, checkpointEvery: 5 }).fit({ untilStep: 13 }); // checkpoints at 5, 10 and 13; metrics to 13
    truncateSync(join(out, 'checkpoints', 'step-00000013', 'model.safetensors'), 100); // a kill mid-write, as the disk saw it
    mkdirSync(join(out, 'checkpoints', `step-00000015.tmp-${DEAD}-abc`));
    const log: string[] = [];
    const b = setup(99, { outDir: out, checkpointEvery: 5, log: (l) => log.push(l) });
    const rest = await b.resume();
    expect(log.some((l) => /step-00000013\/model\.safetensors.*resuming from .*step-00000010/.test(l))).toBe(true);
    expect(log.some((l) => /removed .*step-00000015\.tmp-/.test(l))).toBe(true);
    expect(existsSync(join(out, 'checkpoints', `step-00000015.tmp-${DEAD}-abc`))).toBe(false);
    expect(rest.stepLosses).toEqual(straight.stepLosses.slice(10));
    const steps = (await readMetrics(join(out, 'metrics.jsonl'))).filter((r) => r.type === 'step');
    expect(steps.map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(steps.map((r) => r.loss)).toEqual(straight.stepLosses);
  });
});
