// Training throughput (tokens/s) of one full step (forward, loss, backward, clipping-free AdamW
// update) for the 124M config (batch 2 x 256) and a small one (emb 256, 4 layers, 4 heads,
// context 128, batch 8), against the same model in plain PyTorch on the CPU with 2 threads,
// measured in the same run when /usr/bin/python3 has torch. Then the same on the WebGPU backend
// (LLM_BENCH_WEBGPU=0 leaves it out), training and forward, beside the CPU backend and PyTorch;
// on a software adapter (lavapipe) only the small config, whose figures say little.
// LLM_BENCH_CPU=0 leaves out our CPU runs (PyTorch is still measured): the device run on a GPU.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPTModel, type GPTConfig } from '@llm/gpt';
import { formatProfile, getBackend, initWebGPU, manualSeed, matmul, noGrad, randint, randn, setBackend, tidy, withProfile } from '@llm/tensor';
import { timeIt, writeBenchResult } from '../../../bench/report.js';
import { AdamW, calcLossBatch } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Case { name: string; config: GPTConfig; batch: number; steps: number }
const cases: Case[] = [
  { name: 'train-tokens-per-s-small', config: { vocabSize: 50257, contextLength: 128, embDim: 256, nHeads: 4, nLayers: 4, dropRate: 0.1, qkvBias: false }, batch: 8, steps: 3 },
  { name: 'train-tokens-per-s-124m', config: { vocabSize: 50257, contextLength: 256, embDim: 768, nHeads: 12, nLayers: 12, dropRate: 0.1, qkvBias: false }, batch: 2, steps: 2 },
];

function torchTokensPerSec(c: Case): number | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('PyTorch peer skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch libopenblas0-openmp)');
    return undefined;
  }
  const { config: g } = c;
  const out = execFileSync('/usr/bin/python3', [join(here, 'torch_train.py'), '--vocab', `${g.vocabSize}`, '--emb', `${g.embDim}`, '--layers', `${g.nLayers}`,
    '--heads', `${g.nHeads}`, '--ctx', `${g.contextLength}`, '--batch', `${c.batch}`, '--drop', `${g.dropRate}`, '--steps', `${c.steps}`], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop()!) as { tokensPerSec: number }).tokensPerSec;
}

/** Tokens/s of a training step; `dispatches`, when given, counts what one more step submits (WebGPU). */
async function ours(c: Case, dispatches?: { count(): number; perStep?: number }): Promise<number> {
  manualSeed(123);
  const model = new GPTModel(c.config);
  const optimizer = new AdamW(model.parameters(), { lr: 4e-4, weightDecay: 0.1 });
  const T = c.config.contextLength;
  const x = randint(0, c.config.vocabSize, [c.batch, T]);
  const y = randint(0, c.config.vocabSize, [c.batch, T]);
  model.train();
  const step = async () => {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = calcLossBatch(x, y, model);
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      return l;
    });
    await loss.item(); // the only readback of a training step
    loss.dispose();
  };
  const ms = await timeIt(step, { warmup: 1, minRuns: c.steps, minMs: 0 });
  if (dispatches) {
    const before = dispatches.count();
    await step();
    dispatches.perStep = dispatches.count() - before;
  }
  if (process.env.LLM_BENCH_PROFILE !== '0' && getBackend().name === 'cpu') {
    const t0 = performance.now();
    const { profile } = await withProfile(getBackend(), step);
    console.log(`\n${c.name}, ours (1 profiled step):\n${formatProfile(profile, performance.now() - t0)}`);
  }
  return (c.batch * T) / (ms / 1000);
}

/** Forward tokens/s (no grad) of the same model and batch. */
async function oursForward(c: Case): Promise<number> {
  manualSeed(123);
  const model = new GPTModel(c.config);
  model.eval();
  const x = randint(0, c.config.vocabSize, [c.batch, c.config.contextLength]);
  const ms = await timeIt(async () => {
    const logits = noGrad(() => model.forward(x));
    await logits.narrow(1, 0, 1).data(); // waits for the whole forward; reads back little
    logits.dispose();
  }, { warmup: 1, minRuns: c.steps, minMs: 0 });
  return (c.batch * c.config.contextLength) / (ms / 1000);
}

/** Runs fn with `backend` as the default, so the model and data live there. */
async function on<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  const previous = getBackend().name;
  setBackend(backend);
  try {
    return await fn();
  } finally {
    setBackend(previous);
  }
}

/** GFLOPS of one 256³ matmul: a 124M step is ~0.4 TFLOP, hopeless on a plain-JS kernel. */
async function matmulGflops(): Promise<number> {
  const a = randn([256, 256]);
  const b = randn([256, 256]);
  const ms = await timeIt(async () => {
    const c = matmul(a, b);
    await c.data();
    c.dispose();
  }, { warmup: 1, minRuns: 3, minMs: 200 });
  return (2 * 256 ** 3) / (ms * 1e6);
}

const only = process.argv.slice(2).find((a) => !a.startsWith('-'));
const tooSlowFor124M = (gflops: number) => process.env.LLM_BENCH_SKIP_124M ? 'LLM_BENCH_SKIP_124M is set' : gflops < 5 ? `matmul runs at ${gflops.toFixed(2)} GFLOPS (< 5), a 124M step would take minutes` : '';
const cpuGflops = await matmulGflops();
const cpuTokensPerSec: Record<string, number> = {};
const torchTokens: Record<string, number | undefined> = {};
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const skip = c.name.endsWith('124m') ? tooSlowFor124M(cpuGflops) : '';
  if (skip) {
    console.log(`${c.name} skipped: ${skip}`);
    continue;
  }
  const torch = (torchTokens[c.name] = torchTokensPerSec(c));
  if (process.env.LLM_BENCH_CPU === '0') continue;
  const tokensPerSec = (cpuTokensPerSec[c.name] = await ours(c));
  writeBenchResult({
    name: c.name,
    unit: 'tokens/s',
    higherIsBetter: true,
    ours: tokensPerSec,
    peers: torch === undefined ? {} : { 'pytorch-cpu-2-threads': torch },
    config: { ...c.config, batchSize: c.batch, timedSteps: c.steps, optimizer: 'AdamW' },
  });
}

if (process.env.LLM_BENCH_WEBGPU !== '0') {
  const gpu = await initWebGPU().catch((e: Error) => {
    console.log(`WebGPU training benchmarks skipped: ${e.message.split('\n')[0]}`);
    return null;
  });
  if (gpu) {
    const gpuGflops = await on('webgpu', matmulGflops);
    for (const c of cases) {
      if (only && !c.name.includes(only)) continue;
      const skip = c.name.endsWith('124m') ? tooSlowFor124M(gpuGflops) : '';
      if (skip) {
        console.log(`${c.name}-webgpu skipped on ${gpu.adapterName}: ${skip}`);
        continue;
      }
      const peers = (cpu: number | undefined, torch: number | undefined): Record<string, number> => ({
        ...(cpu === undefined ? {} : { 'ours-cpu': cpu }),
        ...(torch === undefined ? {} : { 'pytorch-cpu-2-threads': torch }),
      });
      const config = { ...c.config, batchSize: c.batch, timedSteps: c.steps, adapter: gpu.adapterName, matmulKind: gpu.matmulKind };
      const dispatches: { count(): number; perStep?: number } = { count: () => gpu.stats().dispatches };
      const tokensPerSec = await on('webgpu', () => ours(c, dispatches));
      writeBenchResult({
        name: `${c.name}-webgpu`, unit: 'tokens/s', higherIsBetter: true,
        ours: tokensPerSec, peers: peers(cpuTokensPerSec[c.name], torchTokens[c.name]),
        config: { ...config, optimizer: 'AdamW', dispatchesPerStep: dispatches.perStep },
      });
      const cpuForward = process.env.LLM_BENCH_CPU === '0' ? undefined : await oursForward(c);
      writeBenchResult({
        name: `${c.name.replace('train-', 'forward-')}-webgpu`, unit: 'tokens/s', higherIsBetter: true,
        ours: await on('webgpu', () => oursForward(c)), peers: cpuForward === undefined ? {} : { 'ours-cpu': cpuForward }, config,
      });
    }
  }
}
