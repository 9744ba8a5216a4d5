// The playground's default training run (the tiny GPT of DEFAULT_RUN, 512-token BPE vocabulary of
// "The Verdict", batch 8) in headless Chromium (the built page, cross-origin isolated, the CPU backend
// in its worker) and in Node (the same session code, backend and thread count), alternating: each
// round is a fresh Chromium launch and a fresh Node process, and the figures are the median over the
// rounds, with min and max. Tokens/s counts only the training steps (evaluations and samples
// excluded). Writes bench-results/playground-train.json (ours: the browser; the goal is at least
// 0.8x Node). Run: npx tsx bench/train.ts [steps] [rounds]
//
// The page is told the model size: its default, 'auto', picks the largest preset whose run fits a
// minute at the speed it measures, so a short run (120 steps here) trains the 'small' GPT (~6x the
// multiply-adds per token of 'tiny') whenever 'small' times under 0.5 s a step, and 'tiny' when the
// machine is busy at that moment: launches then differed 3x in tokens/s for a reason that was not speed.
// Each round checks that the page trained the same model as Node.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initMatmul, matmulInfo, setBackend, setMatmulThreads } from '@llm/tensor';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { describeModel } from '../src/lib/describeModel.js';
import { DEFAULT_RUN, prepareRun, runTraining } from '../src/lib/session.js';
import { serveStatic } from '../test/e2e/static-server.js';

const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../bench-results/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NODE_CHILD = '--node-run';
const positional = process.argv.slice(2).filter((a) => a !== NODE_CHILD);
const steps = Number(positional[0] ?? 120);
const rounds = Number(positional[1] ?? 5);
if (!(Number.isInteger(steps) && steps > 0 && Number.isInteger(rounds) && rounds > 0)) throw new Error('usage: bench/train.ts [steps] [rounds]');
// the page's built-in text, read in place as corpus.ts does (with Vite's import.meta.glob, which tsx does not know)
const VERDICT = fileURLToPath(new URL('../../../../shared/data/the-verdict.txt', import.meta.url));
if (!existsSync(VERDICT)) throw new Error(`bench/train.ts: ${VERDICT} is absent: the playground's built-in text is read from ../shared/data beside the repository`);
const BUILTIN_TEXT = readFileSync(VERDICT, 'utf8');
const threads = Math.min(8, availableParallelism());
const options = { ...DEFAULT_RUN, steps, evalEvery: steps, sampleEvery: steps * 10 };

interface RunResult { tps: number; threads: number; model: string }

/** One Node run, in this process (the child of nodeRun). */
async function nodeChild(): Promise<RunResult> {
  setBackend('cpu');
  await initMatmul();
  setMatmulThreads(threads);
  const { tokenizer, model } = prepareRun(BUILTIN_TEXT, options);
  let tps = NaN;
  await runTraining(model, tokenizer, BUILTIN_TEXT, options, { onStep: (e) => { tps = e.tokensPerSecond; } });
  const description = describeModel(model);
  model.dispose();
  return { tps, threads: matmulInfo().threads, model: description };
}

/** One Node run in a fresh process (as each browser round is a fresh launch: no JIT warmed by an earlier round). */
function nodeRun(): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), NODE_CHILD, String(steps), '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as RunResult);
      else reject(new Error(`bench/train.ts: the Node run exited with ${code}: ${out}`));
    });
  });
}

async function browserRun(url: string): Promise<RunResult> {
  const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await b.newPage();
    await page.goto(`${url}?backend=cpu`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.selectOption('#train-preset', options.preset); // not 'auto': see the top of this file
    await page.fill('#train-steps', String(steps));
    await page.fill('#train-sample-every', String(steps * 10));
    await page.click('#train-run');
    await page.waitForSelector('#loss-chart[data-done]', { timeout: 600_000 });
    const done = JSON.parse((await page.locator('#loss-chart').getAttribute('data-done'))!) as { tokensPerSecond: number; threads: number; model: string };
    return { tps: done.tokensPerSecond, threads: done.threads, model: done.model };
  } finally {
    await b.close();
  }
}

interface Spread { median: number; min: number; max: number }
function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median: Math.round(median), min: Math.round(s[0]), max: Math.round(s.at(-1)!) };
}
const show = (s: Spread) => `median ${s.median} (min ${s.min}, max ${s.max})`;

if (process.argv.includes(NODE_CHILD)) {
  process.stdout.write(`${JSON.stringify(await nodeChild())}\n`);
  process.exit(0); // the kernel worker threads are unref'd, but leave no doubt
}

const out = mkdtempSync(join(tmpdir(), 'playground-bench-'));
try {
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const server = await serveStatic(out);
  const nodeRuns: number[] = [], browserRuns: number[] = [];
  let browserThreads = 0, nodeThreads = 0, model = '';
  for (let r = 0; r < rounds; r++) {
    const n = await nodeRun();
    const b = await browserRun(server.url);
    if (b.model !== n.model) throw new Error(`bench/train.ts: the page trained "${b.model}", Node "${n.model}": not the same run`);
    nodeRuns.push(Math.round(n.tps));
    browserRuns.push(Math.round(b.tps));
    nodeThreads = n.threads;
    browserThreads = b.threads;
    model = n.model;
    console.log(`round ${r + 1}/${rounds}: node ${n.tps.toFixed(0)} tokens/s (${n.threads} threads), chromium ${b.tps.toFixed(0)} tokens/s (${b.threads} threads)`);
  }
  await server.close();
  const browser = spread(browserRuns), node = spread(nodeRuns);
  const ratio = browser.median / node.median;
  const result = {
    name: 'playground-train',
    unit: 'training tokens/s (headless Chromium, CPU backend in the worker)',
    higherIsBetter: true,
    ours: browser.median,
    peers: { [`node ${process.versions.node} (same code, backend and threads)`]: node.median },
    config: {
      preset: options.preset, model, vocabSize: options.vocabSize, batchSize: options.batchSize, steps, threads, nodeThreads, browserThreads, rounds,
      ratio: Number(ratio.toFixed(3)), browser, node, browserRuns, nodeRuns,
      note: 'median over the rounds (each a fresh Chromium launch and a fresh Node process, alternating), min and max beside it; the page is given the preset (its auto sizing would pick by measured speed); a shared machine',
    },
  };
  console.log(`chromium: ${show(browser)} tokens/s; node: ${show(node)} tokens/s`);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, 'playground-train.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`chromium / node (medians) = ${ratio.toFixed(2)} (goal >= 0.8); wrote ${file}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
