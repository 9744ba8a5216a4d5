// @llm/gpt benchmarks for the Llama architecture, with random weights:
// - llama-generate-smollm2-135m: greedy generation tokens/s (64 new after a 16-token prompt, KV
//   cache) for the SmolLM2-135M shape, against the same weights in plain PyTorch on the CPU with
//   the same number of threads (bench/torch_llama.py, the twin of transformers' LlamaForCausalLM);
//   both must draw the same tokens.
// - llama-qwen3-0.6b-load-generate: the Qwen3-0.6B shape (596M parameters, 2.4 GB in float32)
//   written in Hugging Face's layout, loaded back with loadPretrained and generating 16 tokens:
//   peak resident memory and seconds, to show what fits in N GB.
//
// Run all: tsx bench/llama.ts; one case: tsx bench/llama.ts smollm2 (a substring of its name).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, matmulInfo } from '@llm/tensor';
import { type BenchCase, runBenchCases, timeIt, writeBenchResult } from '../../../bench/report.js';
import { countLlamaParameters, generate, llamaConfig, LlamaModel } from '../src/index.js';
import { exportHuggingFace, loadPretrained } from '../src/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const mb = (bytes: number) => bytes / 2 ** 20;
const threads = Number(process.env.LLM_BENCH_THREADS ?? 2);

function torch(args: string[]): { tokensPerSec: number; prefillMs: number; ids: number[] } | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' });
  } catch {
    console.log('PyTorch peer skipped: /usr/bin/python3 cannot import torch and numpy');
    return undefined;
  }
  const out = execFileSync('/usr/bin/python3', [join(here, 'torch_llama.py'), '--threads', String(threads), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const prompt = (n: number, vocab: number) => Array.from({ length: n }, (_, i) => (i * 7919) % vocab);

const cases: BenchCase[] = [
  {
    name: 'llama-generate-smollm2-135m',
    run: async () => {
      const config = llamaConfig('smollm2-135m', { contextLength: 2048 });
      const model = new LlamaModel(config, { generator: new Generator(1) }).eval();
      const dir = mkdtempSync(join(tmpdir(), 'llm-bench-smollm2-'));
      try {
        await exportHuggingFace(model, dir);
        const ids = prompt(16, config.vocabSize);
        let drawn: number[] = [];
        const ms = await timeIt(async () => {
          const out = await generate(model, [ids], { maxNewTokens: 64 });
          drawn = Array.from(await out.data()).slice(16);
        }, { warmup: 1, minRuns: 2, minMs: 0 });
        const peer = torch(['--dir', dir, '--prompt', '16', '--new', '64']);
        if (peer && peer.ids.join() !== drawn.join()) console.log(`warning: PyTorch drew other tokens (first difference at ${drawn.findIndex((t, i) => t !== peer.ids[i])})`);
        writeBenchResult({
          name: 'llama-generate-smollm2-135m', unit: 'new tokens/s', higherIsBetter: true, ours: 64 / (ms / 1000),
          peers: peer ? { [`pytorch-cpu-${threads}-threads`]: peer.tokensPerSec } : {},
          config: { model: 'SmolLM2-135M shape', parameters: countLlamaParameters(config).stored, weights: 'random N(0, 0.02), same file for both', prompt: 16, newTokens: 64, decoding: 'greedy', kvCache: true, threads, matmul: matmulInfo(), sameTokens: peer ? peer.ids.join() === drawn.join() : null },
        });
      } finally {
        model.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'llama-qwen3-0.6b-load-generate',
    run: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'llm-bench-qwen3-'));
      try {
        // the checkpoint is written by another process, so this one's memory is the load's and the generation's alone
        execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--write-qwen3', dir], { stdio: 'inherit' });
        const config = llamaConfig('qwen3-0.6b', { contextLength: 4096 });
        let peak = 0;
        const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
        const timer = setInterval(sample, 20);
        const base = process.memoryUsage().rss;
        const t0 = performance.now();
        const model = await loadPretrained(dir);
        const loadSeconds = (performance.now() - t0) / 1000;
        sample();
        const loadPeak = peak;
        const t1 = performance.now();
        await generate(model, [prompt(8, config.vocabSize)], { maxNewTokens: 16 });
        const generateSeconds = (performance.now() - t1) / 1000;
        sample();
        clearInterval(timer);
        writeBenchResult({
          name: 'llama-qwen3-0.6b-load-generate', unit: 'MiB peak resident (load, then generate 16 tokens)', higherIsBetter: false, ours: mb(peak), peers: {},
          config: { model: 'Qwen3-0.6B shape', parameters: countLlamaParameters(config).stored, float32MiB: mb(countLlamaParameters(config).bytes), processBaseMiB: mb(base), loadPeakMiB: mb(loadPeak), loadSeconds, generateSeconds, tokensPerSec: 16 / generateSeconds, threads },
        });
        model.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];

const writeAt = process.argv.indexOf('--write-qwen3');
if (writeAt >= 0) {
  // child process: a random Qwen3-0.6B in Hugging Face's layout
  const built = new LlamaModel(llamaConfig('qwen3-0.6b', { contextLength: 4096 }), { generator: new Generator(2) });
  await exportHuggingFace(built, process.argv[writeAt + 1]);
  process.exit(0);
}
await runBenchCases(cases);
