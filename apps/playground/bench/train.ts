// The playground's default training run (tiny GPT, 512-token BPE vocabulary of "The Verdict", batch 8)
// in headless Chromium (the built page, cross-origin isolated, the CPU backend in its worker) and in
// Node (the same session code, backend and thread count), alternating, best of each. Tokens/s counts
// only the training steps (evaluations and samples excluded). Writes bench-results/playground-train.json
// (ours: the browser; the goal is at least 0.8x Node). Run: npx tsx bench/train.ts [steps]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initMatmul, matmulInfo, setBackend, setMatmulThreads } from '@llm/tensor';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { DEFAULT_RUN, prepareRun, runTraining } from '../src/lib/session.js';
import { serveStatic } from '../test/e2e/static-server.js';

const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../bench-results/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const steps = Number(process.argv[2] ?? 120);
// the page's built-in text, read in place as corpus.ts does (with Vite's import.meta.glob, which tsx does not know)
const VERDICT = fileURLToPath(new URL('../../../../shared/data/the-verdict.txt', import.meta.url));
if (!existsSync(VERDICT)) throw new Error(`bench/train.ts: ${VERDICT} is absent: the playground's built-in text is read from ../shared/data beside the repository`);
const BUILTIN_TEXT = readFileSync(VERDICT, 'utf8');
const threads = Math.min(8, availableParallelism());
const rounds = 2;
const options = { ...DEFAULT_RUN, steps, evalEvery: steps, sampleEvery: steps * 10 };

async function node(): Promise<number> {
  setBackend('cpu');
  await initMatmul();
  setMatmulThreads(threads);
  const { tokenizer, model } = prepareRun(BUILTIN_TEXT, options);
  let tps = NaN;
  await runTraining(model, tokenizer, BUILTIN_TEXT, options, { onStep: (e) => { tps = e.tokensPerSecond; } });
  model.dispose();
  return tps;
}

async function browser(url: string): Promise<{ tps: number; threads: number }> {
  const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await b.newPage();
    await page.goto(`${url}?backend=cpu`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.fill('#train-steps', String(steps));
    await page.fill('#train-sample-every', String(steps * 10));
    await page.click('#train-run');
    await page.waitForSelector('#loss-chart[data-done]', { timeout: 600_000 });
    const done = JSON.parse((await page.locator('#loss-chart').getAttribute('data-done'))!) as { tokensPerSecond: number; threads: number };
    return { tps: done.tokensPerSecond, threads: done.threads };
  } finally {
    await b.close();
  }
}

const out = mkdtempSync(join(tmpdir(), 'playground-bench-'));
try {
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const server = await serveStatic(out);
  const nodeRuns: number[] = [], browserRuns: number[] = [];
  let browserThreads = 0;
  for (let r = 0; r < rounds; r++) {
    nodeRuns.push(await node());
    const b = await browser(server.url);
    browserRuns.push(b.tps);
    browserThreads = b.threads;
    console.log(`round ${r + 1}: node ${nodeRuns.at(-1)!.toFixed(0)} tokens/s (${matmulInfo().threads} threads), chromium ${b.tps.toFixed(0)} tokens/s (${b.threads} threads)`);
  }
  await server.close();
  const ours = Math.max(...browserRuns), nodeBest = Math.max(...nodeRuns);
  const result = {
    name: 'playground-train',
    unit: 'training tokens/s (headless Chromium, CPU backend in the worker)',
    higherIsBetter: true,
    ours,
    peers: { [`node ${process.versions.node} (same code, backend and threads)`]: nodeBest },
    config: { preset: options.preset, vocabSize: options.vocabSize, batchSize: options.batchSize, steps, threads, browserThreads, rounds, ratio: ours / nodeBest, nodeRuns, browserRuns, note: 'best of the rounds; a shared machine' },
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, 'playground-train.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`chromium / node = ${(ours / nodeBest).toFixed(2)}; wrote ${file}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
