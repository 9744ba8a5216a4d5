// End to end in headless Chromium: build the app with Vite, serve dist/ on loopback, then type in
// the tokenizer, generate, train a few steps and show attention, once on the CPU backend and once
// on WebGPU (Chromium's SwiftShader adapter: --enable-unsafe-webgpu), and save a screenshot of the
// CPU run (to apps/playground/screenshot.png with LLM_UPDATE_SCREENSHOT=1). Needs Debian's chromium (`apt-get install -y chromium`),
// or CHROMIUM_PATH; LLM_SKIP_BROWSER=1 leaves this file out (see vitest.config.ts).
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from './static-server.js';

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TINY_GPT2_DIR = fileURLToPath(new URL('../../../../packages/gpt/test/fixtures/tiny-gpt2/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// without the background-networking flags Chromium keeps dialling Google, which a closed network refuses
const BASE_FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let outDir = '';
let server: StaticServer;
/** The losses each backend's run drew, to compare the two. */
const lossesBy: Record<string, number[]> = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `playground e2e: no Chromium at ${CHROMIUM}. Install Debian's with \`apt-get install -y chromium\` (or set CHROMIUM_PATH), ` +
        'or set LLM_SKIP_BROWSER=1 to leave the browser test out.',
    );
  }
  outDir = mkdtempSync(join(tmpdir(), 'playground-dist-'));
  await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await serveStatic(outDir);
}, 90_000);

afterAll(async () => {
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const runs = [
  { backend: 'cpu', flags: ['--disable-gpu'], trainSteps: 6, screenshot: true },
  { backend: 'webgpu', flags: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'], trainSteps: 2, screenshot: false },
] as const;

describe.each(runs)('playground in headless Chromium on $backend', ({ backend, flags, trainSteps, screenshot }) => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Playwright's launch() gives each browser a fresh profile in a temp folder
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_FLAGS, ...flags] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`); });
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it(`starts on the ${backend} backend`, async () => {
    const badge = page.locator('#backend');
    const title = await badge.getAttribute('title');
    console.log(`playground e2e: ${await badge.textContent()}${title ? ` (${title})` : ''}`);
    expect(await badge.getAttribute('data-backend')).toBe(backend);
    if (backend === 'cpu') expect(await badge.textContent()).toMatch(/WebAssembly (relaxed )?SIMD matmul/);
  });

  it("shows tiktoken's ids and one chip per token for a typed text", async () => {
    await page.fill('#tok-input', 'Hello, world!');
    await expect.poll(() => page.locator('#tok-ids').getAttribute('data-ids')).toBe('[15496,11,995,0]');
    expect(await page.locator('#tok-chips .token').allTextContents()).toEqual(['Hello', ',', '·world', '!']);
    expect(await page.locator('#tok-count').textContent()).toBe('4 tokens, 13 characters');
  });

  it('trains a few steps and draws each loss on the chart', async () => {
    await page.fill('#train-steps', String(trainSteps));
    await page.click('#train-run');
    const chart = page.locator('#loss-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 40_000 }).toBe(String(trainSteps));
    await page.waitForFunction(() => !document.body.dataset.busy, undefined, { timeout: 30_000 });
    const losses = JSON.parse((await chart.getAttribute('data-losses'))!) as number[];
    expect(losses.length).toBe(trainSteps);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    lossesBy[backend] = losses;
    expect(await chart.locator('path.loss-line').getAttribute('d')).toMatch(new RegExp(`^M[\\d.]+,[\\d.]+( L[\\d.]+,[\\d.]+){${trainSteps - 1}}$`));
    expect(await page.locator('#train-status').textContent()).toMatch(new RegExp(`^step ${trainSteps}: loss \\d+\\.\\d{3}`));
    expect((await page.locator('#train-sample').textContent())!.startsWith('It was the')).toBe(true);
  });

  it('generates a continuation of the prompt', async () => {
    await page.fill('#gen-prompt', 'It was the best of');
    await page.fill('#gen-max', '12');
    await page.click('#gen-run');
    await page.waitForSelector('#gen-output[data-done]', { timeout: 30_000 });
    expect(await page.locator('#gen-output .prompt').textContent()).toBe('It was the best of');
    expect((await page.locator('#gen-output .continuation').textContent())!.length).toBeGreaterThan(0);
    expect(await page.locator('#gen-message').textContent()).toMatch(/^\d+ tokens in/);
  });

  it('draws an attention map per layer and head', async () => {
    await page.fill('#att-prompt', 'It was the best of times, it was the worst of times');
    await page.click('#att-run');
    await expect.poll(() => page.locator('#att-grid').getAttribute('data-maps')).toBe('8'); // 2 layers × 4 heads
    expect(await page.locator('#att-grid canvas').count()).toBe(8);
    expect(await page.locator('#att-message').textContent()).toMatch(/^13 tokens;/);
  });

  if (screenshot) {
    it('saves a screenshot', async () => {
      // The README's picture is refreshed only on request, so a test run leaves the tree clean.
      const file = process.env.LLM_UPDATE_SCREENSHOT === '1' ? join(APP_DIR, 'screenshot.png') : join(outDir, 'screenshot.png');
      const tmp = `${file}.tmp.png`;
      await page.screenshot({ path: tmp, fullPage: true });
      renameSync(tmp, file);
      expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    });
  }

  if (backend === 'cpu') {
    it('downloads the trained weights and loads them back (and a Hugging Face checkpoint in between)', async () => {
      const generateText = async () => {
        await page.click('#gen-run');
        await page.waitForSelector('#gen-output[data-done]', { timeout: 30_000 });
        return page.locator('#gen-output').textContent();
      };
      const before = await generateText();
      const saved = join(outDir, 'downloaded.safetensors');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#model-download')]);
      expect(download.suggestedFilename()).toBe('playground-model.safetensors');
      await download.saveAs(saved);

      // @llm/gpt's tiny GPT-2 fixture: Hugging Face layout, a 96-token vocabulary
      await page.setInputFiles('#model-file', [join(TINY_GPT2_DIR, 'model.safetensors'), join(TINY_GPT2_DIR, 'config.json')]);
      await expect.poll(() => page.locator('#model-message').textContent()).toBe('loaded model.safetensors');
      expect(await page.locator('#model-info').textContent()).toMatch(/Hugging Face layout.*embDim 32, context 16, vocab 96/);
      await page.click('#att-run');
      await expect.poll(() => page.locator('#att-message').textContent()).toMatch(/token 0 has id \d+, outside this model's vocabulary of 96/);

      await page.setInputFiles('#model-file', saved);
      await expect.poll(() => page.locator('#model-message').textContent()).toBe('loaded downloaded.safetensors');
      expect(await page.locator('#model-info').textContent()).toMatch(/our layout.*embDim 64, context 64, vocab 50257/);
      expect(await generateText()).toBe(before);
    });
  }

  it('logged no page errors', async () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the two backends', () => {
  it('train the same model on the same batches to the same losses (within float32 rounding)', () => {
    const { cpu, webgpu } = lossesBy;
    expect(cpu?.length && webgpu?.length, 'both runs recorded their losses').toBeTruthy();
    for (let i = 0; i < webgpu.length; i++) expect(Math.abs(webgpu[i] - cpu[i]), `step ${i + 1}: webgpu ${webgpu[i]} vs cpu ${cpu[i]}`).toBeLessThan(2e-3);
  });
});
