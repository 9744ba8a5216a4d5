// llm pretrain after a kill during the first checkpoint save: what the killed save left (a
// temporary directory, latest.json's temporary file) is no checkpoint, so a plain run starts
// (and cleans it up) and --resume says there is nothing to resume: the two messages agree.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrownCorpus } from '@llm/train/node';
import { afterAll, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-pretrain-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = ['--emb-dim', '32', '--n-layers', '1', '--n-heads', '2', '--context-length', '32', '--batch-size', '2', '--max-chars', '20000', '--eval-every', '2', '--sample-every', '2'];
const DEAD = 99_999_999; // above any pid_max

it('a run killed during its first save: --resume finds nothing, a plain run starts afresh and cleans up', async () => {
  const text = join(dir, 'text.txt');
  writeFileSync(text, loadBrownCorpus().slice(0, 20_000));
  const out = join(dir, 'run');
  mkdirSync(join(out, 'checkpoints', `step-00000002.tmp-${DEAD}-abc`), { recursive: true });
  writeFileSync(join(out, 'checkpoints', `step-00000002.tmp-${DEAD}-abc`, 'model.safetensors'), 'half');
  writeFileSync(join(out, 'checkpoints', `latest.json.${DEAD}.abc.tmp`), '{"dir": "step-');
  expectOneLineError(await runCli(['pretrain', '--resume', '--out', out]), /nothing to resume: no checkpoint in/, 1);
  const r = await runCli(['pretrain', '--text', text, '--steps', '2', '--checkpoint-every', '2', ...quick, '--out', out]);
  expect(r.code, r.err).toBe(0);
  expect(readdirSync(join(out, 'checkpoints')).sort()).toEqual(['latest.json', 'step-00000002']);
});
