// @llm/gpt benchmarks on GPT-2 124M with random weights (tied head, as GPT-2): forward tokens/s
// (batch 1 and 8, 256 tokens), greedy generation tokens/s (64 new after a 16-token prompt) with
// and without the KV cache, the KV cache's speed-up for one new token at 256 tokens of context,
// and resident memory of the float32 weights. The peer is the same model in PyTorch on the CPU
// with 2 threads (bench/torch_gpt.py), measured in the same run when /usr/bin/python3 has torch.
//
// Run all: tsx bench/index.ts; one case: tsx bench/index.ts kv-cache (a substring of its name).
// LLM_BENCH_BACKEND=webgpu runs the same cases on the WebGPU backend (names end in -webgpu; the
// device run, scripts/bench-gpu.sh, does this on a real GPU).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { formatProfile, getBackend, initWebGPU, noGrad, randint, setBackend, tidy, withProfile } from '@llm/tensor';
import { type BenchCase, runBenchCases, timeIt, writeBenchResult } from '../../../bench/report.js';
import { generate, GPT_CONFIG_124M, GPTModel } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
v8.setFlagsFromString('--expose_gc');
const gcOnce = vm.runInNewContext('gc') as () => void;
// the second pass frees what the first one finalized (storages are tracked by a FinalizationRegistry)
const gc = () => { gcOnce(); gcOnce(); };
const mb = (bytes: number) => bytes / 2 ** 20;

let torchAvailable: boolean | undefined;
function torch(args: string[]): Record<string, number> | undefined {
  torchAvailable ??= (() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      console.log('PyTorch peer skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch libopenblas0-openmp)');
      return false;
    }
  })();
  if (!torchAvailable) return undefined;
  const out = execFileSync('/usr/bin/python3', [join(here, 'torch_gpt.py'), ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

const backendName = process.env.LLM_BENCH_BACKEND ?? 'cpu';
if (backendName !== 'cpu' && backendName !== 'webgpu') throw new Error(`LLM_BENCH_BACKEND must be cpu or webgpu, got ${backendName}`);
const gpu = backendName === 'webgpu' ? await initWebGPU() : undefined;
if (gpu) setBackend('webgpu');
const suffix = gpu ? '-webgpu' : '';
/** Waits for the GPU to finish what was submitted (timings on WebGPU must include the work, not just its encoding). */
const settle = async () => { if (gpu) await gpu.sync(); };

const baseRss = (gc(), mb(process.memoryUsage().rss));
const buildStart = performance.now();
const model = new GPTModel(GPT_CONFIG_124M, { tieWeights: true }).eval();
const buildSeconds = (performance.now() - buildStart) / 1000;
gc();
const config = { ...GPT_CONFIG_124M, tiedHead: true, weights: 'random', backend: backendName, ...(gpu ? { adapter: gpu.adapterName } : {}) };
const forwardLast = (ids: ReturnType<typeof randint>, useCache = false) => noGrad(() => tidy(() => { model.forward(ids, { useCache, lastTokenOnly: true }); }));
const forwardAll = (ids: ReturnType<typeof randint>) => noGrad(() => tidy(() => { model.forward(ids); }));

const cases: BenchCase[] = [
  {
    name: 'gpt-124m-resident-mb',
    run: async () => {
      if (gpu) return console.log('gpt-124m-resident-mb: measured on the CPU backend only (GPU buffers are not in the RSS)');
      const rss = mb(process.memoryUsage().rss);
      writeBenchResult({
        name: 'gpt-124m-resident-mb', unit: 'MiB resident (after GC)', higherIsBetter: false, ours: rss, peers: {},
        config: { ...config, parameters: model.numParameters(), float32MiB: mb(model.numParameters() * 4), processBaseMiB: baseRss, buildSeconds, goalMiB: 700 },
      });
    },
  },
  ...[1, 8].map((batch) => ({
    name: `gpt-forward-124m-b${batch}-t256`,
    run: async () => {
      const ids = randint(0, 50257, [batch, 256]);
      const ms = await timeIt(async () => { forwardAll(ids); await settle(); }, { warmup: batch === 1 ? 1 : 0, minRuns: 1, minMs: 0 });
      if (process.env.LLM_BENCH_PROFILE !== '0' && !gpu) {
        const t0 = performance.now();
        const { profile } = await withProfile(getBackend(), () => forwardAll(ids));
        console.log(`\nforward b${batch}x256, ours (1 profiled forward):\n${formatProfile(profile, performance.now() - t0)}`);
      }
      const peer = torch(['--mode', 'forward', '--batch', `${batch}`, '--seq', '256']);
      writeBenchResult({
        name: `gpt-forward-124m-b${batch}-t256${suffix}`, unit: 'tokens/s', higherIsBetter: true, ours: (batch * 256) / (ms / 1000),
        peers: peer ? { 'pytorch-cpu-2-threads': peer.tokensPerSec } : {}, config: { ...config, batch, seq: 256, grad: false },
      });
    },
  })),
  ...[true, false].map((useCache) => ({
    name: `gpt-generate-124m-${useCache ? 'kv-cache' : 'no-cache'}`,
    run: async () => {
      const prompt = Array.from(await randint(0, 50257, [16]).data());
      const ms = await timeIt(() => generate(model, [prompt], { maxNewTokens: 64, useCache }), { warmup: 0, minRuns: 1, minMs: 0 });
      const peer = torch(['--mode', 'generate', '--prompt', '16', '--new', '64', '--cache', useCache ? '1' : '0', '--runs', '1']);
      writeBenchResult({
        name: `gpt-generate-124m-${useCache ? 'kv-cache' : 'no-cache'}${suffix}`, unit: 'new tokens/s', higherIsBetter: true, ours: 64 / (ms / 1000),
        peers: peer ? { 'pytorch-cpu-2-threads': peer.tokensPerSec } : {}, config: { ...config, prompt: 16, newTokens: 64, decoding: 'greedy', useCache },
      });
    },
  })),
  {
    name: 'gpt-kv-cache-speedup-ctx256',
    run: async () => {
      // one new token at 249..256 tokens of context: with the cache it attends to the cached keys;
      // without, the whole 256-token window runs again
      const ids = randint(0, 50257, [1, 256]);
      model.resetCache();
      forwardLast(ids.narrow(1, 0, 248), true);
      await settle();
      const steps: number[] = [];
      for (let t = 248; t < 256; t++) {
        const t0 = performance.now();
        forwardLast(ids.narrow(1, t, 1), true);
        await settle();
        steps.push(performance.now() - t0);
      }
      model.resetCache();
      const cachedMs = steps.sort((a, b) => a - b)[steps.length >> 1];
      const uncachedMs = await timeIt(async () => { forwardLast(ids); await settle(); }, { warmup: 0, minRuns: 1, minMs: 0 });
      const peer = torch(['--mode', 'kvstep', '--seq', '256']);
      writeBenchResult({
        name: `gpt-kv-cache-speedup-ctx256${suffix}`, unit: 'x faster per new token (uncached / cached)', higherIsBetter: true, ours: uncachedMs / cachedMs,
        peers: peer ? { 'pytorch-cpu-2-threads': peer.uncachedMs / peer.cachedMs } : {},
        config: { ...config, context: 256, cachedMs, uncachedMs, torchCachedMs: peer?.cachedMs, torchUncachedMs: peer?.uncachedMs, goal: 5 },
      });
    },
  },
];

await runBenchCases(cases);
