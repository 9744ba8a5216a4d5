// llm pretrain in quick mode (a tiny config, a few steps, a slice of the Brown corpus): the demo
// writes a model and a loss plot; an own run checkpoints and resumes to the same weights.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@llm/gpt/node';
import { loadBrownCorpus } from '@llm/train/node';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-pretrain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = ['--emb-dim', '32', '--n-layers', '1', '--n-heads', '2', '--context-length', '32', '--batch-size', '2', '--max-chars', '20000', '--eval-every', '2', '--sample-every', '2'];

async function weights(path: string): Promise<number[]> {
  const model = await loadModel(path);
  return Array.from(await model.tokEmb.weight.data());
}

describe('llm pretrain', () => {
  it('--demo --steps 3 writes the model, metrics and the loss plot', async () => {
    const out = join(dir, 'demo');
    const r = await runCli(['pretrain', '--demo', '--steps', '3', '--vocab-size', '1000', ...quick, '--out', out]);
    expect(r.code).toBe(0);
    // progress and log lines on stderr, the summary on stdout
    expect(r.err).toMatch(/Pretraining a GPT \(vocabulary \d+, 1 layers, 2 heads, embDim 32, context 32\) on the Brown corpus/);
    expect(r.out).toMatch(/^Done in \d+ s: train loss \d+\.\d+, validation loss \d+\.\d+ \(\d+\.\d+ bits per byte\)\.\nGenerate more: .*\n$/);
    for (const f of ['model.safetensors', 'config.json', 'tokenizer.json', 'metrics.jsonl', 'loss.svg', 'loss.png']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg|<\?xml/);
    expect(readFileSync(join(out, 'loss.png')).subarray(1, 4).toString()).toBe('PNG');
    const model = await loadModel(join(out, 'model.safetensors'));
    expect(model.config).toMatchObject({ embDim: 32, nLayers: 1, nHeads: 2, contextLength: 32, vocabSize: 1000 });
    // generate and tokenize use the vocabulary trained with it
    const gen = await runCli(['generate', '--model', out, '-n', '5', 'The jury']);
    expect(gen.code).toBe(0);
    expect(gen.out.startsWith('The jury')).toBe(true);
    const ids = (await runCli(['tokenize', '--model', out, '--ids', 'The jury said'])).out.trim().split(' ').map(Number);
    expect(ids.every((id) => id < 1000)).toBe(true);
    expect((await runCli(['tokenize', '--model', out, '--decode', ...ids.map(String)])).out).toBe('The jury said\n');
  });

  it('checkpoints a run of its own and resumes it to the same weights', async () => {
    const text = join(dir, 'text.txt');
    writeFileSync(text, loadBrownCorpus().slice(0, 20_000));
    const full = join(dir, 'full');
    const args = ['--text', text, '--steps', '4', '--checkpoint-every', '2', ...quick];
    expect((await runCli(['pretrain', ...args, '--out', full])).code).toBe(0);
    const steps = readdirSync(join(full, 'checkpoints')).filter((n) => n.startsWith('step-')).sort();
    expect(steps.map((n) => Number(n.slice(5)))).toEqual([2, 4]);

    // as if the run had stopped after step 2: only that checkpoint is left
    const cut = join(dir, 'cut');
    expect((await runCli(['pretrain', ...args, '--out', cut])).code).toBe(0);
    rmSync(join(cut, 'checkpoints', steps[1]), { recursive: true });
    rmSync(join(cut, 'checkpoints', 'latest.json'), { force: true });
    const resumed = await runCli(['pretrain', '--resume', '--out', cut]);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/Resuming at step 2 of 4/);
    const [a, b] = [await weights(cut), await weights(full)];
    expect(a.length).toBe(b.length);
    expect(a.findIndex((x, i) => x !== b[i])).toBe(-1); // bit for bit
  });

  it('refuses to overwrite a run, a resume without checkpoints and configs that do not fit', async () => {
    const text = join(dir, 'text.txt');
    expectOneLineError(await runCli(['pretrain', '--text', text, '--steps', '2', ...quick, '--out', join(dir, 'full')]), /holds checkpoints of an earlier run: pass --resume/, 2);
    expectOneLineError(await runCli(['pretrain', '--resume', '--out', join(dir, 'nothing')]), /nothing to resume: no checkpoint in/, 1);
    expectOneLineError(await runCli(['pretrain', '--resume', '--steps', '3', '--out', join(dir, 'full')]), /--resume continues with the settings saved .*; drop --steps/, 2);
    expectOneLineError(await runCli(['pretrain', '--demo', '--n-heads', '3', '--out', join(dir, 'x')]), /embDim \(128\) must be divisible by nHeads \(3\)/, 2);
    expectOneLineError(await runCli(['pretrain', '--demo', '--config', 'huge']), /unknown config 'huge'; use one of tiny, small, 124M, gpt2-small/, 2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"embDim": 64,');
    expectOneLineError(await runCli(['pretrain', '--demo', '--config', bad]), /bad\.json is not a valid config file/, 1);
    expectOneLineError(await runCli(['pretrain', '--demo', '--text', join(dir, 'missing.txt'), '--out', join(dir, 'y')]), /missing\.txt/, 1);
    expectOneLineError(await runCli(['pretrain', '--demo', '--epochs', '2']), /--epochs is not available with --demo/, 2);
    expectOneLineError(await runCli(['pretrain', '--text', text, ...quick, '--context-length', '4096', '--out', join(dir, 'z')]), /too short for context length 4096/, 1);
  });
});
