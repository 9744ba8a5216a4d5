// Matmul throughput of the WebGPU backend (GFLOPS) at GPT-2-ish shapes, beside the CPU backend and
// tfjs's WebGPU backend (a peer running on the same Dawn in the same process). On a software adapter
// (lavapipe) the figures only say the kernels run; GPU speed needs a GPU.
import { pathToFileURL } from 'node:url';
import { timeIt, writeBenchResult } from '../../../bench/report.js';
import { initWebGPU, matmul, randn } from '../src/index.js';

/** GPT-2-ish shapes; LLM_BENCH_MATMUL_SIZES=1024,2048,4096 measures those cubes instead (the device run). */
function shapes(): [number, number, number][] {
  const sizes = process.env.LLM_BENCH_MATMUL_SIZES;
  if (!sizes) return [[512, 768, 768], [1024, 1024, 1024]];
  return sizes.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1) throw new Error(`LLM_BENCH_MATMUL_SIZES: ${JSON.stringify(x)} is not a positive integer`);
    return [n, n, n];
  });
}

interface Tf {
  matMul(a: unknown, b: unknown): { data(): Promise<unknown>; dispose(): void };
  randomNormal(shape: number[]): { dispose(): void };
}

/** tfjs on WebGPU in Node: Dawn's globals and navigator.gpu stand in for a browser's. */
async function startTfjs(): Promise<{ tf: Tf } | { error: string }> {
  try {
    const dawn = 'webgpu';
    const { create, globals } = (await import(/* @vite-ignore */ dawn)) as { create(flags: string[]): unknown; globals: object };
    Object.assign(globalThis, globals);
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: create([]), configurable: true });
    else (globalThis as Record<string, unknown>).navigator = { gpu: create([]), userAgent: 'node' };
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tf & { setBackend(name: string): Promise<boolean>; ready(): Promise<void> };
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return { error: "tf.setBackend('webgpu') returned false" };
    await tf.ready();
    return { tf };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

export async function run(): Promise<void> {
  const gpu = await initWebGPU();
  const info = gpu;
  const tfjs = await startTfjs();
  for (const [m, k, n] of shapes()) {
    const gflops = (ms: number) => (2 * m * k * n) / (ms * 1e6);
    const a = randn([m, k], { backend: gpu }), b = randn([k, n], { backend: gpu });
    const ours = await timeIt(async () => {
      const c = matmul(a, b);
      await info.sync();
      c.dispose();
    }, { warmup: 1, minRuns: 3, minMs: 0 });
    a.dispose();
    b.dispose();

    const peers: Record<string, number> = {};
    const ac = randn([m, k]), bc = randn([k, n]);
    // the CPU backend beside it, up to 2048³ (4096³ takes a while on two cores)
    if (m * k * n <= 2048 ** 3) peers['cpu backend'] = gflops(await timeIt(() => matmul(ac, bc).dispose(), { warmup: 0, minRuns: 1, minMs: 0 }));
    if ('tf' in tfjs) {
      const ta = tfjs.tf.randomNormal([m, k]), tb = tfjs.tf.randomNormal([k, n]);
      peers['tfjs-backend-webgpu'] = gflops(await timeIt(async () => {
        const c = tfjs.tf.matMul(ta, tb);
        await c.data();
        c.dispose();
      }, { warmup: 1, minRuns: 3, minMs: 0 }));
      ta.dispose();
      tb.dispose();
    }
    writeBenchResult({
      name: `tensor-webgpu-matmul-${m}x${k}x${n}`,
      unit: 'GFLOPS',
      higherIsBetter: true,
      ours: gflops(ours),
      peers,
      config: {
        shape: { m, k, n },
        adapter: info.adapterName,
        kernel: info.matmulKind,
        timing: 'median ms of matmul + onSubmittedWorkDone (ours), matmul + data() (tfjs), float32',
        ...('error' in tfjs ? { tfjsWebgpu: `not measured: ${tfjs.error}` } : { tfjsWebgpu: '@tensorflow/tfjs-backend-webgpu 4.22.0 on the webgpu package (Dawn) globals' }),
        note: /software|llvmpipe|lavapipe/i.test(info.adapterName) ? 'software adapter (lavapipe): these figures say little about GPU speed' : undefined,
      },
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
