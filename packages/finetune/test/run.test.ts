// The two pipelines the CLI calls, end to end on small settings: files written, metrics
// recorded, the saved classifier reloading to the same answers; the book's data when present.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@llm/gpt/node';
import { trainBPE } from '@llm/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExample } from '../src/index.js';
import { loadClassifier } from '../src/node.js';
import { builtinInstructionData, runClassificationFinetune, runInstructionFinetune } from '../src/node.js';

const BOOK_DATA = fileURLToPath(new URL('../../../../shared/data/instruction-data.json', import.meta.url));
const haveBookData = existsSync(BOOK_DATA);
if (!haveBookData) console.log(`skipping the book-data run: ${BOOK_DATA} is absent (it lives in the shared data folder beside the repository)`);

const tmp = () => mkdtempSync(join(tmpdir(), 'ft-run-'));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const quiet = { progress: false, log: () => {} } as const;
const tiny = { vocabSize: 50257, contextLength: 32, embDim: 16, nHeads: 2, nLayers: 2, dropRate: 0, qkvBias: false };

describe('runClassificationFinetune', () => {
  it('runs on the Spam Assassin mails: balanced split saved, metrics written, the classifier reloads', { timeout: 180_000 }, async () => {
    const outDir = tmp();
    const r = await runClassificationFinetune({ config: tiny, maxExamples: 80, maxLength: 16, epochs: 1, lr: 1e-3, trainableBlocks: 'all', evalFreq: 5, evalIter: 2, outDir, ...quiet });
    expect(r.examples).toEqual({ train: 56, validation: 8, test: 16 });
    expect(r.labels).toEqual(['ham', 'spam']);
    for (const k of ['trainAccuracy', 'valAccuracy', 'testAccuracy'] as const) expect(r[k]).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy * 16).toBeCloseTo(Math.round(r.testAccuracy * 16), 9); // a count of 16 test mails
    expect(r.parameters.trainable).toBe(r.parameters.total);
    const m = json(r.paths.metrics);
    expect(m).toMatchObject({ task: 'classification', data: 'spam-assassin', examples: r.examples, testAccuracy: r.testAccuracy, maxLength: 16, hyper: { epochs: 1, lr: 1e-3 } });
    expect(readFileSync(join(outDir, 'test.csv'), 'utf8').split('\n')[0]).toBe('Label,Text');
    const reloaded = await loadClassifier(r.paths.classifier);
    const text = 'Congratulations! You have won a FREE cruise. Click here to claim your prize now!!!';
    const [a, b] = [await r.classifier.classify(text), await reloaded.classify(text)];
    expect(b.label).toBe(a.label);
    expect(b.probability).toBeCloseTo(a.probability, 6);

    // the saved split folder is itself a data source
    const again = await runClassificationFinetune({ config: tiny, data: outDir, maxLength: 16, epochs: 1, maxSteps: 2, outDir: tmp(), ...quiet });
    expect(again.examples).toEqual(r.examples);
  });

  it('reads the SMS Spam Collection format, and trains only LoRA adapters when asked', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const file = join(dir, 'SMSSpamCollection');
    const lines = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `spam\tWINNER! Claim your ${i} pounds prize, call now` : `ham\tOk see you at ${i} then, lor`));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const outDir = join(dir, 'run');
    const r = await runClassificationFinetune({ config: tiny, data: file, epochs: 1, lora: { rank: 2, alpha: 2 }, evalIter: 1, outDir, ...quiet });
    expect(r.examples.train + r.examples.validation + r.examples.test).toBe(20); // 10 spam, 10 of 20 ham
    expect(r.parameters.trainable).toBeLessThan(r.parameters.trainableBeforeLoRA! / 10);
    expect(existsSync(r.paths.adapters!)).toBe(true);
    expect(json(r.paths.metrics).lora).toEqual({ rank: 2, alpha: 2 });
    expect((await loadClassifier(r.paths.classifier)).labels).toEqual(['ham', 'spam']);
  });
});

describe('runInstructionFinetune', () => {
  let server: Server;
  let judgeUrl: string;
  beforeAll(async () => {
    // a judge that gives every answer 77
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ message: { role: 'assistant', content: '77' } })); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    judgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`;
  });
  afterAll(async () => { await new Promise((r) => server.close(r)); });

  // a small vocabulary trained on the data keeps the output layer (and the test) small
  const data = builtinInstructionData({ size: 60 });
  const tokenizer = trainBPE(data.map(formatExample).join('<|endoftext|>'), { vocabSize: 400, specialTokens: ['<|endoftext|>'], name: 'test-bpe' });
  const config = { ...tiny, vocabSize: tokenizer.nVocab, contextLength: 64 };

  it('runs on the builtin dataset: responses saved beside the references, scored offline and by the judge', { timeout: 180_000 }, async () => {
    const outDir = tmp();
    const r = await runInstructionFinetune({
      config, tokenizer, builtinSize: 60, maxSteps: 3, batchSize: 4, lr: 1e-3, evalFreq: 2, evalIter: 1, maxTestEntries: 2, maxNewTokens: 4,
      maskPrompt: true, judge: { url: judgeUrl, model: 'judge-model' }, outDir, ...quiet,
    });
    expect(r.examples).toEqual({ train: 51, test: 6, validation: 3 });
    expect(r.training.step).toBe(3);
    const saved = json(r.paths.responses);
    expect(saved).toHaveLength(2);
    expect(saved[0]).toEqual({ ...data[51], model_response: r.responses[0].model_response });
    expect(r.scores.count).toBe(2);
    expect(r.judge).toMatchObject({ scores: [77, 77], average: 77, url: judgeUrl, model: 'judge-model' });
    const m = json(r.paths.metrics);
    expect(m).toMatchObject({ task: 'instruction', data: 'builtin', examples: r.examples, scores: { count: 2 }, judge: { average: 77, scored: 2 }, hyper: { maskPrompt: true } });
    expect(Number.isFinite(m.testLoss)).toBe(true);
    const model = await loadModel(join(outDir, 'model'));
    expect(model.config).toEqual(config);
    expect(existsSync(join(outDir, 'model', 'tokenizer.json'))).toBe(true);
  });

  it.runIf(haveBookData)('runs on the book\'s instruction-data.json with LoRA', { timeout: 180_000 }, async () => {
    const outDir = tmp();
    const r = await runInstructionFinetune({
      config: tiny, data: BOOK_DATA, maxEntries: 40, lora: { rank: 2, alpha: 2 }, maxSteps: 1, batchSize: 2, evalIter: 1,
      maxTestEntries: 1, maxNewTokens: 2, outDir, ...quiet,
    });
    expect(r.examples).toEqual({ train: 34, test: 4, validation: 2 });
    expect(r.parameters.trainable).toBeLessThan(r.parameters.total / 10);
    expect(existsSync(r.paths.adapters!)).toBe(true);
    expect(json(r.paths.responses)[0].instruction).toBe(json(BOOK_DATA)[34].instruction);
  });
});
