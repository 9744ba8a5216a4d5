// Fused kernels against their composed twins: the same op on a backend without the fused kernels
// (so the op composes primitives), and on the WebGPU backend when it runs, values and gradients; and the fused ops' gradients against
// finite differences. Shapes are odd on purpose (tails of the 4-lane vectors, one row, causal offsets).
import { describe, expect, it } from 'vitest';
import {
  adamwUpdate, causalSoftmax, cpu, crossEntropy, fromTypedArray, getBackend, layerNorm, linear, setMatmulKernel, softmax, tensor, type Backend, type Tensor, zeros,
} from '../src/index.js';
import { testBackends } from './helpers/backends.js';
import { expectClose } from './helpers/close.js';
import { expectSameResult, input, type Input, runOp, withoutFused } from './helpers/fused.js';
import { gradcheck } from './helpers/gradcheck.js';
import { floats } from './helpers/ref.js';

/** The CPU backend with its fused kernels taken away: every op composes primitives. */
const composed: Backend = withoutFused(cpu, 'cpu-composed');
// (its unary kernel has no 'gelu' or 'geluGrad' either: GELU is composed from sigmoid, mul and add there)

/** What the fused CPU kernels are compared with: the composed CPU ops, and every other test backend (WebGPU has its own fused kernels, which webgpu-fused.test.ts checks against WebGPU composed). */
const others: Backend[] = [composed, ...testBackends().filter((b) => b !== 'cpu').map((b) => getBackend(b))];

async function expectSame(f: (...xs: Tensor[]) => Tensor, inputs: Input[], tol = { atol: 1e-6, rtol: 1e-5 }) {
  const a = await runOp(cpu, f, inputs);
  for (const other of others) expectSameResult(a, await runOp(other, f, inputs), tol, other.name);
}

describe(`fused (cpu) vs composed (cpu)${testBackends().includes('webgpu') ? ' and webgpu' : ''}`, () => {
  it.each([[[3, 7]], [[2, 3, 5, 9]], [[1, 1]], [[4, 130]]])('softmax of %j', async (shape) => {
    await expectSame((x) => softmax(x, -1), [input(shape, 1)]);
  });

  it.each([[[3, 130]], [[7, 65]], [[1, 1]], [[3, 7]]])('gelu (forward and backward fused at any size) of %j', async (shape) => {
    await expectSame((x) => x.gelu(), [input(shape, 22, -6, 6)], { atol: 1e-6, rtol: 1e-5 });
  });

  it('gelu of a strided (transposed) input, with a broadcast gradient, and of huge, infinite and NaN values', async () => {
    await expectSame((x) => x.transpose(0, 1).gelu(), [input([9, 40], 26, -6, 6)], { atol: 1e-6, rtol: 1e-5 });
    await expectSame((x) => x.gelu().sum(-1), [input([9, 40], 26, -6, 6)], { atol: 1e-5, rtol: 1e-5 }); // a broadcast (0-stride) gradient
    const special = Float32Array.from([0, -0, 10, -10, 20, -20, 1e30, -1e30, 3e38, -3e38, Infinity, NaN, 0.5, -0.75]);
    await expectSame((x) => x.gelu(), [{ data: special, shape: [special.length], grad: true }], { atol: 1e-6, rtol: 1e-5 });
  });

  it.each(testBackends())('gelu on %s: its fused kernels against the same op composed on that backend', async (name) => {
    // the backend itself, then with its fused GELU kernels hidden (own properties shadowing the class's methods)
    const be = getBackend(name) as Backend & Record<string, unknown>;
    const inputs = [input([5, 77], 27, -8, 8)];
    const f = (x: Tensor) => x.gelu();
    const fused = await runOp(be, f, inputs);
    Object.assign(be, { gelu: undefined, geluBackward: undefined });
    try {
      const plain = await runOp(be, f, inputs);
      expectClose(plain.value, fused.value, { atol: 1e-6, rtol: 1e-5 }, `value on ${name}`);
      expectClose(plain.grads[0], fused.grads[0], { atol: 1e-6, rtol: 1e-5 }, `grad on ${name}`);
    } finally {
      delete be.gelu;
      delete be.geluBackward;
    }
  });

  it.each([[[2, 3, 5], 7], [[4, 9], 1], [[1, 300], 260]])('linear (bias in the matmul) of %j to %i features', async (shape, outF) => {
    const inF = shape[shape.length - 1];
    await expectSame((x, w, b) => linear(x, w, b), [input(shape, 23), input([outF, inF], 24, -1, 1), input([outF], 25)], { atol: 1e-5, rtol: 1e-5 });
    await expectSame((x, w) => linear(x, w, null), [input(shape, 23), input([outF, inF], 24, -1, 1)], { atol: 1e-5, rtol: 1e-5 });
  });

  it('adamwUpdate: the WebAssembly kernel (10,003 elements, float32) against the update composed from primitives', async () => {
    const n = 10_003, h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    const results = await Promise.all([cpu, composed].map(async (backend) => {
      const p = fromTypedArray(floats(n, 31), [n], { backend }), m = zeros([n], { backend }), v = zeros([n], { backend });
      for (let step = 1; step <= 3; step++) adamwUpdate(p, fromTypedArray(floats(n, 40 + step), [n], { backend }), m, v, { ...h, step });
      return Promise.all([p, m, v].map(async (t) => Array.from(await t.data())));
    }));
    results[0].forEach((got, i) => expectClose(got, results[1][i], { atol: 1e-6, rtol: 1e-5 }, ['p', 'm', 'v'][i]));
  });

  it('linear refuses shapes that do not fit, naming them', () => {
    expect(() => linear(tensor([[1, 2, 3]]), tensor([[1, 2]]), null)).toThrow(/linear: input \[1, 3\], weight \[1, 2\]/);
  });

  it('softmax of a strided (transposed) input', async () => {
    await expectSame((x) => softmax(x.transpose(0, 1), -1), [input([5, 6], 2)]);
  });

  it.each([
    [[2, 3, 6, 6], undefined], [[1, 2, 3, 7], 4], [[2, 5, 5], 0], [[1, 1, 9, 9], undefined], [[1, 1, 1, 11], 10],
  ])('causalSoftmax of %j, offset %j', async (shape, offset) => {
    await expectSame((x) => causalSoftmax(x, { scale: 0.37, offset }), [input(shape, 3)]);
  });

  it('causalSoftmax equals maskedFill(causal mask, -inf) · scale then softmax, with exact zeros in the future', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const mask = tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
    const want = await x.maskedFill(mask, -Infinity).mul(0.5).softmax(-1).data();
    const got = await causalSoftmax(x, { scale: 0.5 }).data();
    expectClose(got, want, { atol: 1e-7 });
    expect([got[1], got[2], got[5]]).toEqual([0, 0, 0]);
  });

  it.each([[[4, 7], true], [[2, 3, 16], true], [[5, 9], false]])('layerNorm of %j (weight and bias: %j)', async (shape, affine) => {
    const C = shape[shape.length - 1];
    const f = affine ? (x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, w, b) : (x: Tensor) => layerNorm(x, null, null);
    await expectSame(f, affine ? [input(shape, 4), input([C], 5, 0.5, 1.5), input([C], 6)] : [input(shape, 4)], { atol: 2e-5, rtol: 1e-4 });
  });

  it('layerNorm with a weight that needs no gradient', async () => {
    await expectSame((x, w) => layerNorm(x, w, null), [input([3, 10], 7), input([10], 8, 0.5, 1.5, false)], { atol: 2e-5, rtol: 1e-4 });
  });

  it.each([[6, 11, -100], [4, 1000, 3]])('crossEntropy of (%i, %i) logits, ignoreIndex %i', async (n, c, ignoreIndex) => {
    const targets = Int32Array.from({ length: n }, (_, i) => (i === 1 ? ignoreIndex : (i * 7) % c));
    const f = (x: Tensor) => crossEntropy(x, fromTypedArray(targets, [n], { backend: x.backend }), { ignoreIndex });
    await expectSame(f, [input([n, c], 9, -10, 10)], { atol: 1e-6, rtol: 1e-5 });
  });
});

describe('without WebAssembly the fused kernels decline and the ops compose', () => {
  it('gelu forward and backward on the plain-JS kernel', async () => {
    const x = fromTypedArray(floats(300, 28, -4, 4), [3, 100], { requiresGrad: true });
    const g = fromTypedArray(floats(300, 29, -1, 1), [3, 100]);
    const gelu = async () => {
      x.zeroGrad();
      const y = x.gelu();
      const value = Array.from(await y.data());
      y.backward(g);
      return { value, grad: Array.from(await x.grad!.data()) };
    };
    const want = await gelu();
    expect(cpu.gelu!(x.storage, 0, 300, zeros([300]).storage)).toBe(true); // what `want` ran
    setMatmulKernel('js');
    try {
      expect(cpu.gelu!(x.storage, 0, 300, zeros([300]).storage)).toBe(false);
      expect(cpu.geluBackward!(x.storage, 0, g.storage, 0, 300, zeros([300]).storage)).toBe(false);
      const got = await gelu();
      expectClose(got.value, want.value, { atol: 1e-6, rtol: 1e-5 });
      expectClose(got.grad, want.grad, { atol: 1e-6, rtol: 1e-5 });
    } finally {
      setMatmulKernel('auto');
    }
  });

  it('softmax, causalSoftmax, layerNorm and crossEntropy on the plain-JS kernel', async () => {
    const x = fromTypedArray(floats(3 * 5, 21, -2, 2), [3, 5]);
    const want = {
      softmax: Array.from(await softmax(x).data()), causal: Array.from(await causalSoftmax(x, { scale: 0.5 }).data()),
      ln: Array.from(await layerNorm(x, null, null).data()),
      ce: await crossEntropy(x, fromTypedArray(Int32Array.of(0, 4, 2), [3])).item(),
    };
    setMatmulKernel('js');
    try {
      expect(cpu.softmaxRows!(x.storage, 0, 3, 5, 1, null, zeros([3, 5]).storage)).toBe(false);
      expectClose(await softmax(x).data(), want.softmax, { atol: 1e-6 });
      expectClose(await causalSoftmax(x, { scale: 0.5 }).data(), want.causal, { atol: 1e-6 });
      expectClose(await layerNorm(x, null, null).data(), want.ln, { atol: 1e-5 });
      expectClose([await crossEntropy(x, fromTypedArray(Int32Array.of(0, 4, 2), [3])).item()], [want.ce], { atol: 1e-6 });
    } finally {
      setMatmulKernel('auto');
    }
  });
});

describe('fused ops vs finite differences (cpu)', () => {
  const t = (shape: number[], seed: number, lo = -2, hi = 2) => fromTypedArray(floats(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape, { requiresGrad: true });
  it('causalSoftmax', async () => {
    await gradcheck((x) => causalSoftmax(x, { scale: 0.8, offset: 1 }), [t([2, 3, 5], 11)]);
  });
  it('layerNorm with weight and bias', async () => {
    await gradcheck((x, w, b) => layerNorm(x, w, b), [t([3, 6], 12), t([6], 13, 0.5, 1.5), t([6], 14)]);
  });
  it('linear with bias', async () => {
    await gradcheck((x, w, b) => linear(x, w, b), [t([2, 3, 4], 17), t([5, 4], 18), t([5], 19)]);
  });
  it('gelu with the fused backward', async () => {
    await gradcheck((x) => x.gelu(), [t([4, 80], 16, -3, 3)]);
  });
  it('gelu composed from primitives', async () => {
    const x = fromTypedArray(floats(4 * 80, 16, -3, 3), [4, 80], { backend: composed, requiresGrad: true });
    await gradcheck((v) => v.gelu(), [x]);
  });
  it('crossEntropy', async () => {
    const targets = fromTypedArray(Int32Array.of(2, 0, 4), [3]);
    await gradcheck((x) => crossEntropy(x, targets), [t([3, 5], 15)]);
  });
});
