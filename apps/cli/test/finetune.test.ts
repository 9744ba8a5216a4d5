// llm finetune classify / instruct in quick mode (a tiny fresh GPT, a few steps), the classifier
// and chat commands on their results, and @llm/finetune's LLM judge talking to `llm serve`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgePrompt, queryModel } from '@llm/finetune';
import { getEncoding } from '@llm/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/server/index.js';
import { expectOneLineError, listen, runCli, TINY, tinyModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-finetune-'));
const config = join(dir, 'tiny.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => writeFileSync(config, JSON.stringify({ ...TINY, dropRate: 0 })));

const quick = ['--config', config, '--steps', '2', '--batch-size', '4', '--eval-iter', '1', '--eval-every', '1'];

describe('llm finetune classify and llm classify', () => {
  const out = join(dir, 'classify');

  it('fine-tunes a classifier that llm classify then uses', async () => {
    const r = await runCli(['finetune', 'classify', ...quick, '--max-examples', '24', '--max-length', '32', '--out', out]);
    expect(r.code).toBe(0);
    // the pipeline's log on stderr; the result on stdout
    expect(r.err).toMatch(/^Data: /);
    expect(r.out).toMatch(/^Test accuracy \d+\.\d\d% \(training \d+\.\d\d%, validation \d+\.\d\d%\); the classifier is in .*\nDone in \d+ s\. Try: llm classify/);
    expect(existsSync(join(out, 'classifier', 'model.safetensors'))).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.labels).toEqual(['ham', 'spam']);

    const one = await runCli(['classify', '--model', out, 'You are a winner! Claim your free prize now.']);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^(ham|spam)\t\d+\.\d%\tYou are a winner!/);
    const many = await runCli(['classify', '--model', join(out, 'classifier'), '--json'], { stdin: 'Meeting at 3pm?\nWIN A FREE CRUISE\n' });
    const rows = many.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.text)).toEqual(['Meeting at 3pm?', 'WIN A FREE CRUISE']);
    for (const row of rows) expect(row.probabilities.ham + row.probabilities.spam).toBeCloseTo(1, 5);
  });

  it('keeps an earlier run and fails in one line on bad input', async () => {
    expectOneLineError(await runCli(['finetune', 'classify', ...quick, '--out', out]), /holds the results of an earlier run; pass --force/, 2);
    expectOneLineError(await runCli(['finetune', 'classify', ...quick, '--data', join(dir, 'no.tsv'), '--out', join(dir, 'x')]), /no\.tsv/, 1);
    expectOneLineError(await runCli(['finetune', 'classify', '--model', 'gpt2', '--config', config]), /give --model .* or --config .*, not both/, 2);
    expectOneLineError(await runCli(['classify', '--model', join(dir, 'nothing'), 'hi']), /no such model folder or file/, 1);
    const notClassifier = join(dir, 'lm');
    const { saveModel } = await import('@llm/gpt/node');
    await saveModel(tinyModel(), notClassifier);
    expectOneLineError(await runCli(['classify', '--model', notClassifier, 'hi']), /is not a saved classifier/, 1);
  });
});

describe('llm finetune instruct and llm chat', () => {
  it('fine-tunes on the builtin data; chat answers with the result', async () => {
    const out = join(dir, 'instruct');
    const r = await runCli(['finetune', 'instruct', ...quick, '--max-entries', '40', '--max-test', '2', '--max-new-tokens', '3', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^Data: /);
    expect(r.out).toMatch(/^Test loss \d+\.\d+ \(training \d+\.\d+, validation \d+\.\d+\); exact match \d+\.\d%, ROUGE-L F1 \d\.\d+\.\nDone in \d+ s\. Try: llm chat/);
    expect(existsSync(join(out, 'model', 'model.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).task).toBe('instruction');
    const chat = await runCli(['chat', '--model', out, '-n', '3'], { stdin: 'Name a colour.\n' });
    expect(chat.code).toBe(0);
    expect(chat.err).toBe('');
  });
});

describe("@llm/finetune's judge talks to llm serve", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = createServer({ model: tinyModel(1, { ...TINY, contextLength: 512 }), tokenizer: getEncoding('gpt2'), modelName: 'judge' });
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('over Ollama /api/chat, /api/generate and OpenAI /v1/chat/completions', async () => {
    const prompt = judgePrompt({ instruction: 'Name a colour.', input: '', output: 'Blue.' }, 'Red.');
    for (const path of ['/api/chat', '/api/generate', '/v1/chat/completions']) {
      const reply = await queryModel(prompt, { url: `${base}${path}`, model: 'judge', timeoutMs: 60_000 });
      expect(typeof reply, path).toBe('string');
    }
    await expect(queryModel(prompt, { url: `${base}/api/chat`, model: 'llama3' })).rejects.toThrow(/HTTP 404 .*llama3.*not found/);
  });
});
