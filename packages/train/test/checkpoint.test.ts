// Checkpoints are written atomically: a failure before the commit leaves the last good checkpoint
// untouched and loadable, and a crash between moving the old one aside and renaming the new one
// in is recovered on load.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@llm/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointManager, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../src/checkpoint/checkpoint.js';
import { AdamW } from '../src/optim/adamw.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'llm-ckpt-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function ckpt(value: number): Checkpoint {
  const w = tensor([[value, value + 1], [value + 2, value + 3]], { requiresGrad: true });
  const opt = new AdamW([w], { lr: 0.1 });
  w.grad = tensor([[1, -1], [0.5, 2]]);
  opt.step();
  return { model: { w }, optimizer: opt.stateDict(), meta: { step: value, note: 'x' } };
}

const failing = () => { throw new Error('simulated crash before rename'); };

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips the model, the optimizer state and the meta', async () => {
    const dir = join(tmp(), 'ck');
    const c = ckpt(1);
    await saveCheckpoint(dir, c);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']);
    const back = await loadCheckpoint(dir);
    expect(await back.model.w.toArray()).toEqual(await c.model.w.toArray());
    expect(back.meta).toEqual({ step: 1, note: 'x' });
    expect(back.optimizer!.state[0].step).toBe(1);
    expect(Array.from((back.optimizer!.state[0].expAvg as import('@llm/tensor').Tensor).dataSync())).toEqual(Array.from((c.optimizer!.state[0].expAvg as import('@llm/tensor').Tensor).dataSync()));
    expect(back.optimizer!.paramGroups[0]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999], params: [0] });
  });

  it('a failure between writing the temporary directory and the rename leaves the previous checkpoint intact', async () => {
    const root = tmp();
    const dir = join(root, 'ck');
    await saveCheckpoint(dir, ckpt(1));
    const before = readFileSync(join(dir, 'model.safetensors'));
    await expect(saveCheckpoint(dir, ckpt(5), { beforeCommit: failing })).rejects.toThrow(/simulated crash/);
    expect(readFileSync(join(dir, 'model.safetensors'))).toEqual(before);
    expect((await loadCheckpoint(dir)).meta.step).toBe(1);
    expect(readdirSync(root)).toEqual(['ck']); // the temporary directory is cleaned up
  });

  it('a crash after the old checkpoint was moved aside but before the new one was renamed in still loads the old one', async () => {
    const root = tmp();
    const dir = join(root, 'ck');
    await saveCheckpoint(dir, ckpt(2));
    renameSync(dir, `${dir}.old-123-abc`); // the state such a crash leaves
    expect((await loadCheckpoint(dir)).meta.step).toBe(2);
  });

  it('names the missing file', async () => {
    await expect(loadCheckpoint(join(tmp(), 'nothing'))).rejects.toThrow(/no checkpoint at .*nothing/);
  });
});

describe('CheckpointManager', () => {
  it('keeps the newest checkpoints, points latest.json at the last good one, survives a failed save', async () => {
    const root = join(tmp(), 'checkpoints');
    const m = new CheckpointManager(root, 2);
    for (const s of [10, 20, 30]) await m.save(s, ckpt(s));
    expect(readdirSync(root).sort()).toEqual(['latest.json', 'step-00000020', 'step-00000030']);
    await expect(m.save(40, ckpt(40), { beforeCommit: failing })).rejects.toThrow(/simulated crash/);
    expect(existsSync(join(root, 'step-00000040'))).toBe(false);
    expect(await m.latest()).toBe(join(root, 'step-00000030'));
    expect((await loadCheckpoint(root)).meta.step).toBe(30);
  });
});
