// End to end in headless Chromium: build the app with Vite, serve dist/ on loopback with the
// cross-origin isolation headers, and drive it. On the CPU backend: train in the worker for a fixed
// time and check the validation loss fell by at least 1.5 nats, the page's thread had no task over
// 200 ms meanwhile (long tasks), the worker's kernels ran on more than one thread, attention and
// generation work, and the downloaded model folder loads back (in the page and in Node) to the same
// logits. On WebGPU (Chromium's SwiftShader adapter, a CPU emulation: ~80 tokens/s here) the first
// steps must give the CPU run's losses. Needs Debian's chromium (`apt-get install -y chromium`), or
// CHROMIUM_PATH; LLM_SKIP_BROWSER=1 leaves this file out (see vitest.config.ts).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@llm/gpt/node';
import { tensor } from '@llm/tensor';
import { type Browser, chromium, type Download, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, hasBuiltinText } from '../helpers.js';
import { serveStatic, type StaticServer } from './static-server.js';

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// without the background-networking flags Chromium keeps dialling Google, which a closed network refuses
const BASE_FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** How long the CPU run trains before Stop (the default run is 400 steps; Stop ends it sooner on a busy machine). */
const TRAIN_MS = Number(process.env.LLM_PLAYGROUND_TRAIN_MS ?? 25_000);

let outDir = '';
let server: StaticServer;
/** The step losses each backend's run drew, to compare the two. */
const lossesBy: Record<string, number[]> = {};
/** The size the CPU run's 'auto' picked. */
let cpuPreset = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `playground e2e: no Chromium at ${CHROMIUM}. Install Debian's with \`apt-get install -y chromium\` (or set CHROMIUM_PATH), ` +
        'or set LLM_SKIP_BROWSER=1 to leave the browser test out.',
    );
  }
  outDir = mkdtempSync(join(tmpdir(), 'playground-dist-'));
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(outDir, 'dist'), emptyOutDir: true } });
  server = await serveStatic(join(outDir, 'dist'));
}, 90_000);

afterAll(async () => {
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function openPage(backend: string, flags: string[]): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  // Playwright's launch() gives each browser a fresh profile in a temp folder
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_FLAGS, ...flags] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  await page.goto(`${server.url}?backend=${backend}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { browser, page, errors };
}

/** Opens the page before the describe's tests and closes its browser after them. */
function usePage(backend: string, flags: string[]): { page: Page; errors: string[] } {
  const ctx = { errors: [] } as unknown as { page: Page; errors: string[]; browser?: Browser };
  beforeAll(async () => {
    Object.assign(ctx, await openPage(backend, flags));
  }, 90_000);
  afterAll(async () => {
    await ctx.browser?.close();
  });
  return ctx;
}

const chartLosses = async (page: Page) => JSON.parse((await page.locator('#loss-chart').getAttribute('data-losses')) ?? '[]') as number[];
const waitIdle = (page: Page, timeout: number) => page.waitForFunction(() => !document.body.dataset.busy, undefined, { timeout });
const logits = (page: Page, prompt: string) => page.evaluate((p) => (globalThis as unknown as { playground: { logits(p: string): Promise<{ ids: number[]; logits: number[] }> } }).playground.logits(p), prompt);

describe.runIf(hasBuiltinText)('playground in headless Chromium on the CPU backend', () => {
  const ctx = usePage('cpu', ['--disable-gpu']);

  it('runs in a cross-origin-isolated ctx.page, its worker on several threads', async () => {
    const badge = ctx.page.locator('#backend');
    console.log(`playground e2e: ${await badge.textContent()}`);
    expect(await ctx.page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await badge.getAttribute('data-backend')).toBe('cpu');
    expect(await badge.textContent()).toMatch(/WebAssembly (relaxed )?SIMD matmul · \d+ threads · in a worker/);
    expect(Number(await badge.getAttribute('data-threads'))).toBeGreaterThan(1);
  });

  it("shows tiktoken's GPT-2 ids for a typed text", async () => {
    await ctx.page.fill('#tok-input', 'Hello, world!');
    await expect.poll(() => ctx.page.locator('#tok-ids').getAttribute('data-ids')).toBe('[15496,11,995,0]');
    expect(await ctx.page.locator('#tok-chips .token').allTextContents()).toEqual(['Hello', ',', '·world', '!']);
  });

  it(`trains for ${TRAIN_MS / 1000} s in the worker: validation loss down by ≥ 1.5 nats, no long task on the ctx.page, several threads`, async () => {
    await ctx.page.evaluate(() => {
      const w = globalThis as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask' });
    });
    await ctx.page.click('#train-run');
    await ctx.page.waitForTimeout(TRAIN_MS);
    await ctx.page.evaluate(() => document.getElementById('train-stop')!.click()); // a no-op if the run already ended
    await ctx.page.waitForSelector('#loss-chart[data-done]', { timeout: 60_000 });
    const longTasks = await ctx.page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
    const val = JSON.parse((await ctx.page.locator('#loss-chart').getAttribute('data-val'))!) as [number, number][];
    const done = JSON.parse((await ctx.page.locator('#loss-chart').getAttribute('data-done'))!) as { steps: number; workerChunks: number; threads: number };
    const status = await ctx.page.locator('#train-status').textContent();
    console.log(`playground e2e: ${status}; validation ${val.map(([s, l]) => `${s}:${l.toFixed(2)}`).join(' ')}; long tasks ${JSON.stringify(longTasks)}`);
    expect(val[0][0]).toBe(0);
    expect(val[0][1] - val.at(-1)![1], 'validation loss fall (nats)').toBeGreaterThanOrEqual(1.5);
    expect(Math.max(0, ...longTasks), 'longest main-thread task (ms)').toBeLessThanOrEqual(200);
    expect(done.threads).toBeGreaterThan(1);
    expect(done.workerChunks, 'kernel chunks run by the helper Web Workers').toBeGreaterThan(0);
    expect(await ctx.page.locator('#train-samples li').count()).toBeGreaterThan(0);
    expect(await ctx.page.locator('#model-info').textContent()).toMatch(/trained on "The Verdict".*vocab 512/);
    // the page's default size is 'auto': timed here, the largest preset whose 400 steps fit a minute
    expect(status).toMatch(/model size (tiny|small) for a run under 60 s \(tiny \d+ ms\/step/);
    cpuPreset = /model size (\w+)/.exec(status!)![1];
    lossesBy.cpu = await chartLosses(ctx.page);
  }, TRAIN_MS + 90_000);

  it("tokenizes with the model's own vocabulary once it is trained", async () => {
    await ctx.page.selectOption('#tok-choice', 'model');
    await ctx.page.fill('#tok-input', 'I had always thought');
    await expect.poll(() => ctx.page.locator('#tok-name').textContent()).toBe("the model's byte-level BPE (512 tokens)");
    const ids = JSON.parse((await ctx.page.locator('#tok-ids').getAttribute('data-ids'))!) as number[];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id < 512)).toBe(true);
    expect((await ctx.page.locator('#tok-chips .token').allTextContents()).join('')).toBe('I·had·always·thought');
  });

  it('draws an attention map per layer and head of the trained model', async () => {
    const [, layers, heads] = /(\d+) layers × (\d+) heads/.exec((await ctx.page.locator('#model-info').textContent())!)!;
    const maps = String(Number(layers) * Number(heads));
    await ctx.page.click('#att-run');
    await expect.poll(() => ctx.page.locator('#att-grid').getAttribute('data-maps'), { timeout: 20_000 }).toBe(maps);
    expect(await ctx.page.locator('#att-grid canvas').count()).toBe(Number(maps));
  });

  it('streams a generated continuation', async () => {
    await ctx.page.fill('#gen-max', '20');
    await ctx.page.click('#gen-run');
    await ctx.page.waitForSelector('#gen-output[data-done]', { timeout: 30_000 });
    expect(await ctx.page.locator('#gen-output .prompt').textContent()).toBe('I had always thought');
    expect((await ctx.page.locator('#gen-output .continuation').textContent())!.length).toBeGreaterThan(0);
  });

  it('downloads the model folder, which loads back (in the page and with loadModel in Node) to the same logits', async () => {
    const prompt = 'I had always thought Jack';
    const before = await logits(ctx.page, prompt);
    const folder = join(outDir, 'downloaded');
    mkdirSync(folder);
    const downloads: Download[] = [];
    ctx.page.on('download', (d) => downloads.push(d));
    await ctx.page.click('#model-download');
    await expect.poll(() => downloads.length, { timeout: 20_000 }).toBe(3);
    for (const d of downloads) await d.saveAs(join(folder, d.suggestedFilename()));
    expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);

    const viaNode = await loadModel(folder);
    const nodeLogits = await viaNode.forward(tensor(Int32Array.from(before.ids), { shape: [1, before.ids.length] })).narrow(1, before.ids.length - 1, 1).data();
    expectClose(nodeLogits, before.logits, 1e-4, "Node's logits of the downloaded folder");
    viaNode.dispose();

    await ctx.page.setInputFiles('#model-folder', folder);
    await expect.poll(() => ctx.page.locator('#model-message').textContent(), { timeout: 20_000 }).toBe('loaded downloaded');
    expect(await ctx.page.locator('#model-info').textContent()).toMatch(/^downloaded \(our layout\)/);
    const after = await logits(ctx.page, prompt);
    expect(after.ids).toEqual(before.ids);
    expect(after.logits).toEqual(before.logits);
  });

  it('saves a screenshot', async () => {
    // The README's picture is refreshed only on request, so a test run leaves the tree clean.
    const file = process.env.LLM_UPDATE_SCREENSHOT === '1' ? join(APP_DIR, 'screenshot.png') : join(outDir, 'screenshot.png');
    const tmp = `${file}.tmp.png`;
    await ctx.page.screenshot({ path: tmp, fullPage: true });
    renameSync(tmp, file);
    expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('logged no page errors', () => {
    expect(ctx.errors).toEqual([]);
  });
});

describe.runIf(hasBuiltinText)('playground in headless Chromium on WebGPU (SwiftShader)', () => {
  const ctx = usePage('webgpu', ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']);

  it('gets an adapter and trains the first steps to the CPU run\'s losses (same seed, same batches)', async () => {
    const badge = ctx.page.locator('#backend');
    console.log(`playground e2e: ${await badge.textContent()}`);
    expect(await badge.getAttribute('data-backend')).toBe('webgpu');
    await ctx.page.selectOption('#train-preset', 'tiny'); // the CPU run's model
    await ctx.page.click('#train-run');
    await expect.poll(async () => (await chartLosses(ctx.page)).length, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    await ctx.page.evaluate(() => document.getElementById('train-stop')!.click());
    await waitIdle(ctx.page, 120_000);
    const webgpu = await chartLosses(ctx.page);
    const cpu = lossesBy.cpu;
    expect(cpu?.length, 'the CPU run recorded its losses').toBeGreaterThan(2);
    expect(webgpu.every(Number.isFinite)).toBe(true);
    if (cpuPreset !== 'tiny') {
      console.log(`playground e2e: the CPU run picked '${cpuPreset}' (a fast machine), so its losses are not the tiny WebGPU run's to compare`);
      return;
    }
    for (let i = 0; i < 2; i++) expect(Math.abs(webgpu[i] - cpu[i]), `step ${i + 1}: webgpu ${webgpu[i]} vs cpu ${cpu[i]}`).toBeLessThan(2e-3);
    expect(ctx.errors).toEqual([]);
  }, 300_000);
});
