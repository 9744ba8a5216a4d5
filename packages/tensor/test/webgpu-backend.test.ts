// The WebGPU backend as a whole: registration, a training step against the CPU backend, tensors
// split over several bindings, flat memory over 1,000 steps, errors (no adapter, lost device,
// mixed backends, too large), and a Node process that exits by itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adamwUpdate, add, type Backend, cpu, crossEntropy, embedding, gelu, getBackend, initWebGPU, layerNorm, matmul, memoryStats,
  randint, randn, setBackend, tensor, tidy, zeros,
} from '../src/index.js';
import { expectAllClose, expectClose, onBoth, randFloats, randInts, startWebGPU, type WebGPU } from './webgpu-oracle.js';

const gpu = await startWebGPU();
const srcIndex = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.ts');

/** Runs a TypeScript snippet in a fresh Node process (through tsx); resolves with its exit code and output. */
function runChild(code: string, killAfterMs: number): Promise<{ code: number | null; out: string; killed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'llm-webgpu-'));
  const file = join(dir, 'child.mts');
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: dirname(srcIndex), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', killed = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, killAfterMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: exitCode, out, killed });
    });
  });
}

describe.runIf(gpu)('webgpu backend', () => {
  const g = gpu as WebGPU;
  afterAll(() => { setBackend('cpu'); });

  it("registers as 'webgpu'; setBackend makes it the default; a second init returns the same backend", async () => {
    expect(g.name).toBe('webgpu');
    expect(getBackend('webgpu')).toBe(g);
    expect(await initWebGPU()).toBe(g);
    setBackend('webgpu');
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.backend).toBe(g);
    expect(await matmul(t, t).toArray()).toEqual([[7, 10], [15, 22]]);
    setBackend('cpu');
    expect(tensor([1]).backend).toBe(cpu);
  });

  it('a training step (embedding, layer norm, matmul, GELU, cross-entropy, backward) matches the CPU backend', async () => {
    const vals = { wte: randFloats(11 * 8, 1), w: randFloats(8 * 5, 2), b: randFloats(5, 3), gamma: randFloats(8, 4), beta: randFloats(8, 5) };
    const ids = randInts(2 * 3, 6, 0, 11), targets = randInts(2 * 3, 7, 0, 5);
    const step = async (backend: Backend) => {
      const p = (d: Float32Array, shape: number[]) => tensor(d, { shape, backend, requiresGrad: true });
      const wte = p(vals.wte, [11, 8]), w = p(vals.w, [8, 5]), b = p(vals.b, [5]), gamma = p(vals.gamma, [8]), beta = p(vals.beta, [8]);
      const x = embedding(wte, tensor(ids, { shape: [2, 3], backend }));
      const h = gelu(layerNorm(x, gamma, beta));
      const loss = crossEntropy(add(matmul(h, w), b), tensor(targets, { shape: [2, 3], backend }));
      loss.backward();
      const out: Float32Array[] = [(await loss.data()) as Float32Array];
      for (const t of [wte, w, b, gamma, beta]) out.push((await t.grad!.data()) as Float32Array);
      return out;
    };
    const [c, w] = [await step(cpu), await step(g)];
    c.forEach((expected, i) => expectClose(w[i], expected, `training step output ${i}`, { rtol: 1e-4, atol: 1e-6 }));
  });

  describe('tensors split over several storage bindings (maxBindingBytes: 1024, 256 floats a binding)', async () => {
    const split = (await startWebGPU({ name: 'webgpu-split', maxBindingBytes: 1024 })) as Backend;
    const tol = { rtol: 1e-5, atol: 1e-5 };

    it('copy, unary, binary and where across chunk boundaries', async () => {
      const n = 700;
      const copyR = await onBoth(split, [randFloats(2 * n + 1, 1)], [[n + 300, 'float32']], (b, [s], [d]) => {
        b.copy({ storage: s, shape: [n], strides: [2], offset: 1, dtype: 'float32' }, { storage: d, shape: [n], strides: [1], offset: 300, dtype: 'float32' });
      });
      expectAllClose(copyR, 'split copy');
      const v = (s: import('../src/index.js').Storage) => ({ storage: s, shape: [n], strides: [1], offset: 0, dtype: s.dtype });
      expectAllClose(await onBoth(split, [randFloats(n, 2)], [[n, 'float32']], (b, [x], [o]) => b.unary('exp', v(x), o)), 'split exp', tol);
      expectAllClose(await onBoth(split, [randFloats(n, 3), randFloats(n, 4)], [[n, 'float32']], (b, [x, y], [o]) => b.binary('mul', v(x), v(y), o)), 'split mul', tol);
      expectAllClose(await onBoth(split, [randFloats(n, 5), randFloats(n, 6), randFloats(n, 7)], [[n, 'float32']], (b, [c, x, y], [o]) => b.where(v(c), v(x), v(y), o)), 'split where');
    });

    it('reduce, matmul with a large B (the output head), indexSelect / indexAdd (the embedding), gather, topk, adamw', async () => {
      for (const op of ['sum', 'argmax'] as const) {
        expectAllClose(await onBoth(split, [randFloats(900, 8)], [[3, op === 'sum' ? 'float32' : 'int32']], (b, [x], [o]) => b.reduce(op, x, 0, 3, 300, 1, o)), `split ${op}`, tol);
        expectAllClose(await onBoth(split, [randFloats(900, 9)], [[60, op === 'sum' ? 'float32' : 'int32']], (b, [x], [o]) => b.reduce(op, x, 0, 3, 5, 60, o)), `split ${op} columns`, tol);
      }
      for (const transB of [false, true]) {
        const l = { batch: 1, m: 5, k: 40, n: 30, aOffset: 0, bOffset: 0, transA: false, transB, aBatchStride: 0, bBatchStride: 0 };
        expectAllClose(await onBoth(split, [randFloats(200, 10), randFloats(1200, 11)], [[150, 'float32']], (b, [a, bb], [o]) => b.matmul(a, bb, o, l)), `split matmul transB=${transB}`, { rtol: 1e-4, atol: 1e-5 });
      }
      const ids = randInts(7, 12, 0, 50);
      ids[6] = ids[0];
      expectAllClose(await onBoth(split, [randFloats(1000, 13), ids], [[140, 'float32']], (b, [x, i], [o]) => b.indexSelect(x, i, 1, 50, 20, 7, o)), 'split indexSelect');
      expectAllClose(await onBoth(split, [randFloats(1000, 14), ids, randFloats(140, 15)], [], (b, [d, i, s]) => b.indexAdd(d, i, s, 1, 50, 20, 7)), 'split indexAdd', { rtol: 0, atol: 0 });
      const gi = randInts(600, 16, 0, 2);
      expectAllClose(await onBoth(split, [randFloats(600, 17), gi], [[600, 'float32']], (b, [x, i], [o]) => b.gather(x, i, 300, 2, 1, 2, o)), 'split gather');
      expectAllClose(await onBoth(split, [randFloats(700, 18)], [[10, 'float32'], [10, 'int32']], (b, [x], [vv, ii]) => b.topk(x, 2, 350, 5, vv, ii)), 'split topk');
      expectAllClose(await onBoth(split, [randFloats(600, 19), randFloats(600, 20), new Float32Array(600), new Float32Array(600)], [], (b, [p, gr, m, vv]) => {
        b.adamw!(p, gr, m, vv, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1 });
      }), 'split adamw', tol);
    });

    it('says how many bindings a dispatch needs when the device allows fewer', () => {
      const big = () => split.alloc(8000, 'float32'); // 32 bindings each
      const v = (s: import('../src/index.js').Storage) => ({ storage: s, shape: [8000], strides: [1], offset: 0, dtype: s.dtype });
      expect(() => split.where(v(big()), v(big()), v(big()), big())).toThrow(/needs \d+ storage bindings .* the device allows \d+/);
    });
  });

  it('memory stays flat over 1,000 training-like steps inside tidy()', async () => {
    const backend = g;
    const param = (shape: number[]) => randn(shape, { backend, std: 0.1, requiresGrad: true });
    const params = [param([16, 32]), param([32]), param([32, 4])];
    const moments = params.map((p) => [zeros(p.shape, { backend }), zeros(p.shape, { backend })]);
    const snapshots: { gpu: ReturnType<WebGPU['memory']>; tensors: number; storages: number }[] = [];
    let lastLoss = NaN;
    for (let step = 1; step <= 1000; step++) {
      const loss = tidy(() => {
        const x = randn([8, 16], { backend });
        const targets = randint(0, 4, [8], { backend });
        const h = gelu(add(matmul(x, params[0]), params[1]));
        const l = crossEntropy(matmul(h, params[2]), targets);
        l.backward();
        params.forEach((p, i) => {
          adamwUpdate(p, p.grad!, moments[i][0], moments[i][1], { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step });
          p.zeroGrad();
        });
        return l;
      });
      if (step % 100 === 0) lastLoss = await loss.item();
      loss.dispose();
      if (step === 100 || step === 1000) snapshots.push({ gpu: backend.memory(), ...memoryStats() });
    }
    expect(Number.isFinite(lastLoss)).toBe(true);
    const [early, late] = snapshots;
    expect(late.tensors).toBe(early.tensors);
    expect(late.storages).toBe(early.storages);
    // never more; fewer when buffers that earlier tests forgot are collected meanwhile (the reference
    // counts hold storages weakly, so the backend's FinalizationRegistry reclaims them)
    expect(late.gpu.buffers).toBeLessThanOrEqual(early.gpu.buffers);
    expect(late.gpu.bytes).toBeLessThanOrEqual(early.gpu.bytes);
    expect(late.gpu.gpuBuffers).toBeLessThanOrEqual(early.gpu.gpuBuffers);
    expect(late.gpu.gpuBytes).toBeLessThanOrEqual(early.gpu.gpuBytes);
  });

  it('freed buffers are reused, and the pool gives back to the device what it may not keep', async () => {
    const tight = (await startWebGPU({ name: 'webgpu-tight-pool', poolBytes: 0 })) as WebGPU;
    const base = tight.memory();
    const a = tight.fromArray(randFloats(1000, 1));
    const b = tight.alloc(1000, 'float32');
    tight.unary('exp', { storage: a, shape: [1000], strides: [1], offset: 0, dtype: 'float32' }, b);
    expect(tight.memory()).toMatchObject({ buffers: base.buffers + 2, bytes: base.bytes + 8000 });
    tight.free(a);
    tight.free(b);
    expect(tight.memory()).toMatchObject({ buffers: base.buffers, bytes: base.bytes, pooledBuffers: 2 });
    tight.flush(); // the pool may keep nothing: both buffers are destroyed once no pending command uses them
    expect(tight.memory()).toMatchObject({ pooledBuffers: 0, gpuBuffers: base.gpuBuffers, gpuBytes: base.gpuBytes });
    // with a pool, a freed buffer serves the next storage of its size bucket
    const c = g.alloc(3000, 'float32');
    const before = g.memory();
    g.free(c);
    g.free(g.alloc(2900, 'float32'));
    expect(g.memory().gpuBuffers).toBe(before.gpuBuffers);
    tight.destroy();
    expect(() => tight.alloc(1, 'float32')).toThrow(/'webgpu-tight-pool' was lost \(destroyed: destroy\(\) was called\)/);
  });

  describe('errors', () => {
    it('no adapter: says how to get one and that the CPU backend works', async () => {
      const err = await initWebGPU({ name: 'webgpu-none', simulateNoAdapter: true }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/no WebGPU adapter found/);
      expect((err as Error).message).toMatch(/scripts\/install-webgpu-driver\.sh/);
      expect((err as Error).message).toMatch(/lavapipe/);
      expect((err as Error).message).toMatch(/CPU backend/);
      expect(() => getBackend('webgpu-none')).toThrow(/unknown backend/);
    });

    it('a lost device: later ops throw a clear error; initWebGPU() then starts a new one', async () => {
      const doomed = await initWebGPU({ name: 'webgpu-doomed' });
      const t = tensor([1, 2, 3], { backend: doomed });
      const { device } = doomed as unknown as { device: { destroy(): void; lost: Promise<unknown> } };
      device.destroy();
      await device.lost;
      expect(() => t.add(1)).toThrow(/GPU device of backend 'webgpu-doomed' was lost \(destroyed/);
      await expect(t.data()).rejects.toThrow(/was lost/);
      const fresh = await initWebGPU({ name: 'webgpu-doomed' });
      expect(fresh).not.toBe(doomed);
      expect(Array.from(await tensor([1, 2], { backend: fresh }).mul(2).data())).toEqual([2, 4]);
    });

    it('bad options are refused before a device is opened', async () => {
      await expect(initWebGPU({ name: 'webgpu-bad', maxBindingBytes: 100 })).rejects.toThrow(/maxBindingBytes must be at least 256, got 100/);
      await expect(initWebGPU({ name: 'webgpu-bad', batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    });

    it('mixing tensors of two backends names both', () => {
      expect(() => add(tensor([1]), tensor([1], { backend: g }))).toThrow(/different backends \('cpu' and 'webgpu'\)/);
    });

    it('a tensor larger than the device allows is refused at the op, naming the limit', () => {
      expect(() => g.alloc(2 ** 31, 'float32')).toThrow(/exceed the device's maxBufferSize of \d+ bytes/);
    });

    it('out of GPU memory (the error scope around an allocation) is thrown by the next op, with the sizes', async () => {
      const b = (await initWebGPU({ name: 'webgpu-oom' })) as WebGPU;
      const device = (b as unknown as { device: { popErrorScope(): Promise<unknown> } }).device;
      const pop = device.popErrorScope;
      // the driver's verdict is faked (a real one needs exhausting the machine's memory); the scope is still popped
      device.popErrorScope = async function (this: unknown) {
        await pop.call(device);
        return { message: 'simulated: not enough memory' };
      };
      const s = b.alloc(12345, 'float32');
      device.popErrorScope = pop;
      await expect(b.read(s)).rejects.toThrow(/out of GPU memory allocating a \d+-byte buffer for 12345 float32 elements .*simulated: not enough memory\. Dispose tensors/);
      expect(Array.from(await b.read(b.fromArray(Float32Array.of(1, 2))))).toEqual([1, 2]); // reported once
      b.destroy();
    });

    it('an error the GPU reports on its own (validation) is thrown by the next op', async () => {
      const b = (await initWebGPU({ name: 'webgpu-validation' })) as WebGPU;
      const device = (b as unknown as { device: { createBuffer(d: { size: number; usage: number }): unknown } }).device;
      device.createBuffer({ size: 2 ** 52, usage: 128 }); // larger than maxBufferSize: an uncaptured validation error
      await new Promise((r) => setTimeout(r, 50));
      expect(() => b.fromArray(Float32Array.of(1))).toThrow(/webgpu \(webgpu-validation\): the GPU reported an error: .*max buffer size/i);
      expect(Array.from(await b.read(b.fromArray(Float32Array.of(1))))).toEqual([1]); // reported once
      b.destroy();
    });

    it('using a freed storage is an error', () => {
      const s = g.fromArray(Float32Array.of(1, 2));
      g.free(s);
      expect(() => g.unary('neg', { storage: s, shape: [2], strides: [1], offset: 0, dtype: 'float32' }, g.alloc(2, 'float32'))).toThrow(/already freed/);
    });
  });

  describe('in a Node process', () => {
    it('importing @llm/tensor does not load Dawn; initWebGPU() does', async () => {
      const r = await runChild(`
        const loaded: string[] = [];
        const dlopen = process.dlopen;
        process.dlopen = function (this: unknown, ...args: Parameters<typeof dlopen>) { loaded.push(String(args[1])); return dlopen.apply(this, args); } as typeof dlopen;
        const { initWebGPU } = await import(${JSON.stringify(srcIndex)});
        const before = loaded.filter((f) => f.includes('dawn')).length;
        await initWebGPU();
        console.log('DAWN', before, loaded.filter((f) => f.includes('dawn')).length);
      `, 60_000);
      expect(r.out).toMatch(/DAWN 0 1/);
    });

    it('exits by itself after init, a matmul and a read (no process.exit)', async () => {
      const r = await runChild(`
        import { initWebGPU, matmul, randn } from ${JSON.stringify(srcIndex)};
        const g = await initWebGPU();
        const a = randn([33, 17], { backend: g }), b = randn([17, 9], { backend: g });
        const out = await matmul(a, b).data();
        console.log('READ', out.length);
      `, 60_000);
      expect(r.out).toMatch(/READ 297/);
      expect(r.killed, `the process did not exit by itself within 60 s:\n${r.out}`).toBe(false);
      expect(r.code).toBe(0);
    });
  });
});
