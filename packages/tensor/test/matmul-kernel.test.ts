// The WASM SIMD matmul kernel (and its JS fallback) against a float64 triple loop, on odd shapes,
// every transpose combination, batches with broadcast and gapped strides, offsets and accumulation,
// single-threaded and with worker threads (shapes of 2^21+ multiply-adds are the ones split over threads).
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type MatmulArgs, type MatmulKernel, matmulF32, matmulInfo, matmulThreadStats, setMatmulKernel, setMatmulStrassen, setMatmulThreads,
} from '../src/backends/cpu/wasm/matmul.js';

// deterministic uniform(-1, 1) numbers (mulberry32)
function randoms(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** The expected out array (float64 sums), and per element the sum of |A||B| terms to scale the tolerance. */
function reference(x: MatmulArgs): { expected: Float64Array; scale: Float64Array } {
  const expected = Float64Array.from(x.out), scale = new Float64Array(x.out.length);
  for (let t = 0; t < x.batch; t++) {
    for (let i = 0; i < x.m; i++) {
      for (let j = 0; j < x.n; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < x.k; p++) {
          const av = x.a[x.aOffset + t * x.aBatchStride + (x.transA ? p * x.m + i : i * x.k + p)];
          const bv = x.b[x.bOffset + t * x.bBatchStride + (x.transB ? j * x.k + p : p * x.n + j)];
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        const o = x.outOffset + (t * x.m + i) * x.n + j;
        expected[o] = (x.accumulate ? expected[o] : 0) + s + (x.bias ? x.bias[j] : 0);
        scale[o] = abs + (x.accumulate ? Math.abs(x.out[o]) : 0) + (x.bias ? Math.abs(x.bias[j]) : 0);
      }
    }
  }
  return { expected, scale };
}

interface Case {
  batch: number; m: number; k: number; n: number; transA: boolean; transB: boolean;
  aBatchStride?: number; bBatchStride?: number; // default: packed matrices
  offsets?: boolean; accumulate?: boolean; bias?: boolean;
}

let seed = 1;
function makeArgs(c: Case): MatmulArgs {
  const aSize = c.m * c.k, bSize = c.k * c.n;
  const aBatchStride = c.aBatchStride ?? aSize, bBatchStride = c.bBatchStride ?? bSize;
  const aOffset = c.offsets ? 5 : 0, bOffset = c.offsets ? 3 : 0, outOffset = c.offsets ? 7 : 0;
  const pad = c.offsets ? 11 : 0;
  const a = randoms(aOffset + (c.batch - 1) * aBatchStride + aSize + pad, seed++);
  const b = randoms(bOffset + (c.batch - 1) * bBatchStride + bSize + pad, seed++);
  // filled with numbers so that untouched elements and accumulation are both checked
  const out = randoms(outOffset + c.batch * c.m * c.n + pad, seed++);
  const bias = c.bias ? randoms(c.n, seed++) : undefined;
  return { a, aOffset, b, bOffset, out, outOffset, batch: c.batch, m: c.m, k: c.k, n: c.n, transA: c.transA, transB: c.transB, aBatchStride, bBatchStride, accumulate: c.accumulate, bias };
}

function check(c: Case): void {
  const args = makeArgs(c);
  const { expected, scale } = reference(args);
  matmulF32(args);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    // float32 products summed in float32: error grows with k and with the magnitudes summed
    const err = Math.abs(args.out[i] - expected[i]) / (1e-6 * (4 + Math.sqrt(c.k)) * (scale[i] + 1));
    if (err > worst) { worst = err; at = i; }
  }
  if (worst > 1) {
    throw new Error(`${JSON.stringify(c)}: out[${at}] = ${args.out[at]}, expected ${expected[at]} (error ${worst.toFixed(1)}x the tolerance)`);
  }
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 9, 17], [17, 33, 65], [64, 64, 64], [129, 257, 131],
  [1, 300, 50], [2, 77, 300], [3, 64, 45], [300, 2, 9], [7, 1, 13], [33, 700, 5], [200, 450, 37],
];
const transposes: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

const kernels: MatmulKernel[] = ['simd', 'relaxed', 'js'];

/** Runs matmuls until a worker thread has taken a chunk (workers start in the background). */
async function waitForWorkers(): Promise<void> {
  const before = matmulThreadStats().workerChunks;
  const deadline = Date.now() + 20_000;
  while (matmulThreadStats().workerChunks === before && Date.now() < deadline) {
    check({ batch: 1, m: 128, k: 128, n: 128, transA: false, transB: false });
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(matmulThreadStats().workerChunks).toBeGreaterThan(before);
}

describe.each(kernels)('matmulF32 with the %s kernel', (kernel) => {
  describe.each([1, 2])('%i thread(s)', (threads) => {
    it('selects the kernel asked for', async () => {
      setMatmulKernel(kernel);
      setMatmulThreads(threads);
      const info = matmulInfo();
      expect(info.simd).toBe(kernel !== 'js');
      expect(info.relaxedSimd).toBe(kernel === 'relaxed');
      expect(info.threads).toBe(kernel === 'js' ? 1 : threads);
      if (info.threads > 1) await waitForWorkers();
    });

    it('matches float64 on odd shapes and all transposes', () => {
      for (const [m, k, n] of shapes) for (const [transA, transB] of transposes) check({ batch: 1, m, k, n, transA, transB });
    });

    it('handles batches: packed, broadcast A or B, gapped strides, uneven splits', () => {
      for (const [transA, transB] of transposes) {
        check({ batch: 3, m: 100, k: 120, n: 90, transA, transB });
        check({ batch: 4, m: 70, k: 130, n: 65, transA, transB, aBatchStride: 0 });
        check({ batch: 5, m: 65, k: 31, n: 3, transA, transB, bBatchStride: 0 });
        check({ batch: 5, m: 130, k: 64, n: 60, transA, transB, bBatchStride: 0 });
        check({ batch: 9, m: 48, k: 100, n: 56, transA, transB, aBatchStride: 48 * 100 + 13, bBatchStride: 100 * 56 + 5 });
        check({ batch: 2, m: 1, k: 1536, n: 800, transA, transB, bBatchStride: 0 });
      }
    });

    it('honours offsets and accumulates into out', () => {
      for (const [transA, transB] of transposes) {
        check({ batch: 1, m: 37, k: 41, n: 43, transA, transB, offsets: true });
        check({ batch: 1, m: 37, k: 41, n: 43, transA, transB, accumulate: true });
        check({ batch: 3, m: 120, k: 130, n: 50, transA, transB, offsets: true, accumulate: true, bBatchStride: 0 });
        check({ batch: 1, m: 2, k: 1200, n: 900, transA, transB, offsets: true, accumulate: true });
      }
    });

    it('adds a bias row in the same pass, also to rows computed one at a time', () => {
      for (const [transA, transB] of transposes) {
        check({ batch: 1, m: 37, k: 41, n: 43, transA, transB, bias: true, offsets: true });
        check({ batch: 3, m: 130, k: 800, n: 70, transA, transB, bias: true, bBatchStride: 0 });
        check({ batch: 2, m: 1, k: 300, n: 131, transA, transB, bias: true });
      }
    });

    it('treats k = 0 as an empty sum and zero-sized outputs as nothing to do', () => {
      check({ batch: 2, m: 3, k: 0, n: 4, transA: false, transB: false });
      check({ batch: 2, m: 3, k: 0, n: 4, transA: false, transB: true, accumulate: true });
      check({ batch: 0, m: 3, k: 5, n: 4, transA: false, transB: false });
      check({ batch: 1, m: 0, k: 5, n: 4, transA: true, transB: false });
    });
  });
});

// Strassen's seven half-size products (assembly/strassen.ts), switched on for small shapes so that
// every case of the split is exercised: odd m and n (the plain GEMM's extra row and column), k past
// one cache block of the half (several blocks of k), n past one block of columns, each transpose,
// accumulation, a bias row, offsets. Its error is the tolerance of the plain product's check.
describe.each(['simd', 'relaxed'] as const)('matmulF32 as Strassen products with the %s kernel', (kernel) => {
  afterAll(() => {
    setMatmulKernel('auto');
    setMatmulThreads(2);
    setMatmulStrassen(512);
  });

  it.each([1, 2])('matches float64 on %i thread(s)', async (threads) => {
    setMatmulKernel(kernel);
    setMatmulThreads(threads);
    setMatmulStrassen(512); // waitForWorkers' plain products
    if (threads > 1) await waitForWorkers();
    setMatmulStrassen(16);
    const before = matmulThreadStats().strassenProducts;
    let products = 0;
    const run = (c: Case) => { check(c); products++; };
    for (const [transA, transB] of transposes) {
      for (const [m, k, n] of [[16, 16, 16], [67, 40, 35], [130, 96, 99], [131, 770, 261], [20, 18, 4200]] as const) run({ batch: 1, m, k, n, transA, transB });
      run({ batch: 1, m: 66, k: 42, n: 37, transA, transB, accumulate: true, offsets: true });
      run({ batch: 1, m: 133, k: 64, n: 65, transA, transB, bias: true, offsets: true });
      run({ batch: 1, m: 200, k: 1000, n: 201, transA, transB, bias: true });
    }
    expect(matmulThreadStats().strassenProducts - before).toBe(products);
    // an odd k, a batch, or a side below the minimum run as plain products
    check({ batch: 1, m: 64, k: 65, n: 64, transA: false, transB: false });
    check({ batch: 2, m: 64, k: 64, n: 64, transA: false, transB: true });
    check({ batch: 1, m: 15, k: 64, n: 64, transA: true, transB: false });
    expect(matmulThreadStats().strassenProducts - before).toBe(products);
  });

  it('is on by default for products of 512 and more on every side, and can be turned off', () => {
    setMatmulKernel(kernel);
    setMatmulStrassen(512);
    const before = matmulThreadStats().strassenProducts;
    check({ batch: 1, m: 512, k: 512, n: 515, transA: false, transB: true, bias: true });
    check({ batch: 1, m: 511, k: 512, n: 515, transA: false, transB: false });
    expect(matmulThreadStats().strassenProducts - before).toBe(1);
    setMatmulStrassen(Infinity);
    check({ batch: 1, m: 512, k: 512, n: 515, transA: false, transB: true });
    expect(matmulThreadStats().strassenProducts - before).toBe(1);
    expect(() => setMatmulStrassen(1)).toThrow(/setMatmulStrassen: expected a minimum size >= 2/);
  });
});

describe('matmulF32 threads and memory', () => {
  afterAll(() => {
    setMatmulKernel('auto');
    setMatmulThreads(2);
  });

  it('lets the worker thread compute chunks, also after the memory grew', async () => {
    setMatmulKernel('auto');
    setMatmulThreads(2);
    await waitForWorkers();
    const started = matmulThreadStats().workerChunks;
    for (let i = 0; i < 5; i++) check({ batch: 1, m: 300, k: 1100, n: 700, transA: i % 2 === 1, transB: i > 2 }); // grows the memory
    check({ batch: 6, m: 96, k: 96, n: 96, transA: false, transB: true });
    expect(matmulThreadStats().workerChunks).toBeGreaterThan(started);
  });

  it('splits work over more threads than cores, in strips and in 2x2 grids', async () => {
    for (const threads of [3, 4]) {
      setMatmulThreads(threads);
      await waitForWorkers();
      for (const [transA, transB] of transposes) {
        check({ batch: 1, m: 200, k: 150, n: 77, transA, transB });
        check({ batch: 1, m: 203, k: 60, n: 197, transA, transB, offsets: true });
        check({ batch: 5, m: 60, k: 99, n: 77, transA, transB, offsets: true, accumulate: true });
      }
    }
  });

  it('rejects operands too short for their shapes, naming them', () => {
    const args = makeArgs({ batch: 2, m: 4, k: 5, n: 6, transA: false, transB: false });
    expect(() => matmulF32({ ...args, b: args.b.subarray(1) })).toThrow(/b has 59 elements.*needs 60/);
    expect(() => matmulF32({ ...args, outOffset: 1 })).toThrow(/out has 48 elements.*needs 49/);
    expect(() => matmulF32({ ...args, m: 2.5 })).toThrow(/m must be a non-negative integer/);
    expect(() => setMatmulThreads(0)).toThrow(/setMatmulThreads/);
  });

  it('lets the process exit while worker threads wait for work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-matmul-'));
    const script = join(dir, 'exit.mts');
    const matmulModule = fileURLToPath(new URL('../src/backends/cpu/wasm/matmul.ts', import.meta.url));
    writeFileSync(script, `
      import { matmulF32, matmulThreadStats, setMatmulThreads } from ${JSON.stringify(matmulModule)};
      setMatmulThreads(2);
      const m = 256, a = new Float32Array(m * m).fill(1), out = new Float32Array(m * m);
      const t0 = Date.now();
      while (matmulThreadStats().workerChunks === 0 && Date.now() - t0 < 20000) {
        matmulF32({ a, aOffset: 0, b: a, bOffset: 0, out, outOffset: 0, batch: 1, m, k: m, n: m, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 });
        await new Promise((r) => setTimeout(r, 5));
      }
      console.log(matmulThreadStats().workerChunks > 0 ? 'workers used' : 'no workers', out[0]);
    `);
    try {
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', script], { timeout: 30_000, encoding: 'utf8' });
      expect(stdout.trim()).toBe('workers used 256');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
