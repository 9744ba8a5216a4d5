// Matmul throughput (GFLOPS) of the CPU backend's WebAssembly kernel at GPT-2 shapes, beside peers
// measured in the same process: jax-js (wasm backend), tfjs-backend-wasm and tfjs's plain-JS cpu
// backend. Every figure is for a completed product read back (`await c.data()`, as for the peers):
// our tensors' storages live in the kernel's memory, so the product reads them in place. GFLOPS are
// 2mnk / time for every kernel; ours runs these shapes as Strassen's seven half-size products (7/8
// of the multiply-adds), so the config also gives the plain product's figure.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { measurePeer, timeIt, writeBenchResult } from '../../../bench/report.js';
import { matmulInfo, matmulThreadStats, setMatmulStrassen, setMatmulThreads } from '../src/backends/cpu/wasm/matmul.js';
import { fromTypedArray, matmul } from '../src/index.js';

const SHAPES: [number, number, number][] = [[512, 768, 768], [512, 768, 3072], [1024, 1024, 1024]];

interface TfTensor { dispose(): void }
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor2d(data: Float32Array, shape: [number, number]): TfTensor;
  matMul(a: TfTensor, b: TfTensor): TfTensor & { data(): Promise<unknown> };
}

/** FP32 peak of this machine: clock x 2 FMA units x 8 lanes (AVX2) x 2 flops x cores. */
function machinePeak(): { cpuMHz: number; cores: number; fp32PeakGflops: number; wasmSimd128PeakGflops: number } {
  const mhz = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
  const cpuMHz = mhz.length ? Math.max(...mhz) : NaN, cores = availableParallelism();
  const fp32PeakGflops = (cpuMHz / 1000) * 2 * 8 * 2 * cores;
  return { cpuMHz, cores, fp32PeakGflops, wasmSimd128PeakGflops: fp32PeakGflops / 2 };
}

const randoms = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const gflops = (m: number, k: number, n: number, ms: number) => (2 * m * k * n) / (ms * 1e6);

async function timeOurs(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<number> {
  const ta = fromTypedArray(a, [m, k]), tb = fromTypedArray(b, [k, n]);
  try {
    // warm-up also lets the worker threads start
    return await timeIt(async () => {
      const c = matmul(ta, tb);
      await c.data();
      c.dispose();
    }, { warmup: 3, minRuns: 10, minMs: 1500 });
  } finally {
    ta.dispose();
    tb.dispose();
  }
}

async function loadJax() {
  const jax = await import('@jax-js/jax');
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  return jax;
}

async function loadTf(): Promise<Tf> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
  await import('@tensorflow/tfjs-backend-wasm');
  return tf;
}

async function timeTf(tf: Tf, backend: string, a: Float32Array, b: Float32Array, m: number, k: number, n: number, runs: { warmup: number; minRuns: number; minMs: number }): Promise<number> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const ta = tf.tensor2d(a, [m, k]), tb = tf.tensor2d(b, [k, n]);
  try {
    return await timeIt(async () => {
      const c = tf.matMul(ta, tb);
      await c.data();
      c.dispose();
    }, runs);
  } finally {
    ta.dispose();
    tb.dispose();
  }
}


export async function run(): Promise<void> {
  const peak = machinePeak();
  // load our kernel first: it turns on relaxed SIMD in V8, which jax-js then also uses
  const info = matmulInfo();
  console.log(`matmul: ${peak.cores} cores at ${peak.cpuMHz} MHz, FP32 peak ${peak.fp32PeakGflops.toFixed(0)} GFLOPS (AVX2 FMA), `
    + `${peak.wasmSimd128PeakGflops.toFixed(0)} with 128-bit WASM SIMD; ours: relaxed SIMD ${info.relaxedSimd}, ${info.threads} threads`);
  const jax = await loadJax();
  const tf = await loadTf();
  for (const [m, k, n] of SHAPES) {
    const a = randoms(m * k), b = randoms(k * n);
    const strassenBefore = matmulThreadStats().strassenProducts;
    const ours = gflops(m, k, n, await timeOurs(a, b, m, k, n));
    const strassen = matmulThreadStats().strassenProducts > strassenBefore;
    setMatmulStrassen(Infinity);
    const oursPlain = gflops(m, k, n, await timeOurs(a, b, m, k, n));
    setMatmulStrassen(512);
    setMatmulThreads(1);
    const oursOneThread = gflops(m, k, n, await timeOurs(a, b, m, k, n));
    setMatmulThreads(info.threads);

    const peers: Record<string, number> = {};
    const add = (name: string, v: number | undefined) => { if (v !== undefined) peers[name] = v; };
    add('jax-js wasm', await measurePeer('jax-js', async () => {
      const ja = jax.numpy.array(a).reshape([m, k]), jb = jax.numpy.array(b).reshape([k, n]);
      const ms = await timeIt(async () => {
        const c = jax.numpy.matmul(ja.ref, jb.ref);
        await c.blockUntilReady();
        c.dispose();
      }, { warmup: 2, minRuns: 5, minMs: 1500 });
      ja.dispose();
      jb.dispose();
      return gflops(m, k, n, ms);
    }));
    add('tfjs-backend-wasm', await measurePeer('tfjs wasm', async () => gflops(m, k, n, await timeTf(tf, 'wasm', a, b, m, k, n, { warmup: 1, minRuns: 5, minMs: 1500 }))));
    // tfjs cpu runs at ~0.5 GFLOPS: one warm-up and one timed run
    add('tfjs cpu', await measurePeer('tfjs cpu', async () => gflops(m, k, n, await timeTf(tf, 'cpu', a, b, m, k, n, { warmup: 1, minRuns: 1, minMs: 0 }))));

    writeBenchResult({
      name: `matmul-${m}x${k}x${n}`,
      unit: 'GFLOPS',
      higherIsBetter: true,
      ours,
      peers,
      config: { m, k, n, kernel: info.relaxedSimd ? 'wasm relaxed-simd fma' : 'wasm simd128', threads: info.threads, strassen, oursPlainGflops: oursPlain, oursOneThreadGflops: oursOneThread, ...peak },
    });
    console.log(`  ours${strassen ? ` as plain products (no Strassen): ${oursPlain.toFixed(1)} GFLOPS;` : ''} with 1 thread: ${oursOneThread.toFixed(1)} GFLOPS; machine FP32 peak ${peak.fp32PeakGflops.toFixed(0)} (AVX2), ${peak.wasmSimd128PeakGflops.toFixed(0)} (128-bit SIMD)`);
  }
}
