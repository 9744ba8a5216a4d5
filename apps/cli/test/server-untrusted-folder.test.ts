// The model folder `llm serve` (and generate, chat) loads, as untrusted input: a FIFO in place of a
// file is refused instead of blocking the process, and a tokenizer.json that is null, {} or neither
// tokenizer format is an error naming the file, not a crash or a silent fall-back to GPT-2's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@llm/gpt/node';
import { afterAll, expect, it } from 'vitest';
import { loadModelAndTokenizer } from '../src/models.js';
import { tinyModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-untrusted-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a bad tokenizer.json by name, and a FIFO in place of tokenizer.json or model.safetensors', async () => {
  await saveModel(tinyModel(), dir);
  const tokenizer = join(dir, 'tokenizer.json');
  writeFileSync(tokenizer, 'null');
  await expect(loadModelAndTokenizer(dir)).rejects.toThrow(/tokenizer\.json: must be a JSON object \(a tokenizer\), got null/);
  writeFileSync(tokenizer, '{}');
  await expect(loadModelAndTokenizer(dir)).rejects.toThrow(/tokenizer\.json: neither @llm\/tokenizer's format .* nor a Hugging Face tokenizer/);
  writeFileSync(tokenizer, '{"model": {"type": "BPE"}}'); // a Hugging Face GPT-2 tokenizer.json: GPT-2's own vocabulary
  expect((await loadModelAndTokenizer(dir)).tokenizer.nVocab).toBe(50257);
  rmSync(tokenizer);
  execFileSync('mkfifo', [tokenizer]);
  await expect(loadModelAndTokenizer(dir)).rejects.toThrow(/tokenizer\.json: not a regular file \(a FIFO\)/);
  rmSync(tokenizer);
  rmSync(join(dir, 'model.safetensors'));
  execFileSync('mkfifo', [join(dir, 'model.safetensors')]);
  await expect(loadModelAndTokenizer(dir)).rejects.toThrow(/model\.safetensors: not a regular file \(a FIFO\)/);
});
