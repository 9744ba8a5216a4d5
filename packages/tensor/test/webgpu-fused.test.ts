// The WebGPU backend's fused kernels (softmax with its causal mask and scale, layer norm, cross-entropy's
// log-sum-exp and gradient, the bias inside the matmul) against their composed twins: the same op on a
// WebGPU backend with those kernels hidden (so it composes primitives), and on the composed CPU backend,
// the reference; values and gradients. Odd shapes on purpose: row lengths that are no multiple of a team
// (32 or 256 threads), one row, many rows, rows of a GPT-2 vocabulary (50,257), causal offsets, strided
// inputs and gradients, tensors split over several bindings, 2-D grids.
import { describe, expect, it } from 'vitest';
import {
  type Backend, causalSoftmax, cpu, crossEntropy, fromTypedArray, layerNorm, linear, softmax, type Tensor, withProfile,
} from '../src/index.js';
import { expectClose, type Tolerance } from './helpers/close.js';
import { expectSameResult, input, type Input, runOp, withoutFused } from './helpers/fused.js';
import { startWebGPU } from './webgpu-oracle.js';

const gpu = await startWebGPU();
/** Separate devices: the same backend with its fused kernels hidden; the other matmul kernel; bindings of 256 floats and 4 workgroups a grid dimension. */
const gpuComposed = gpu && withoutFused(await startWebGPU({ name: 'webgpu-composed' }) as Backend);
const otherMatmul = gpu && await startWebGPU({ name: 'webgpu-fused-other-matmul', matmul: gpu.matmulKind === 'tiled' ? 'registers' : 'tiled' });
const split = gpu && await startWebGPU({ name: 'webgpu-fused-split', maxBindingBytes: 1024, maxWorkgroupsPerDimension: 4 });
const composedCpu = withoutFused(cpu, 'cpu-composed');

type Op = (...xs: Tensor[]) => Tensor;

/**
 * f on `backend` with its fused kernels, which must run (`kernels`), against WebGPU composed and CPU
 * composed. Returns the fused result.
 */
async function expectFused(kernels: readonly string[], f: Op, inputs: Input[], tol: Tolerance = { atol: 1e-6, rtol: 1e-5 }, backend: Backend = gpu as Backend) {
  const { result: fused, profile } = await withProfile(backend, () => runOp(backend, f, inputs));
  for (const k of kernels) expect(profile.get(k)?.calls ?? 0, `${k} ran on ${backend.name}`).toBeGreaterThan(0);
  for (const other of [gpuComposed as Backend, composedCpu]) expectSameResult(fused, await runOp(other, f, inputs), tol, `${backend.name} vs ${other.name}`);
  return fused;
}

const SOFTMAX = ['softmaxRows', 'softmaxRowsBackward'];
const LAYER_NORM = ['layerNormRows', 'layerNormRowsBackward'];
const CROSS_ENTROPY = ['logSumExpRows', 'softmaxScaledRows'];
const LN_TOL = { atol: 2e-5, rtol: 1e-4 };

const ce = (targets: Int32Array, ignoreIndex: number) => (x: Tensor) =>
  crossEntropy(x, fromTypedArray(targets, x.shape.slice(0, -1), { backend: x.backend }), { ignoreIndex });
/** Targets for n rows of c classes, with row 1 ignored. */
const targetsFor = (n: number, c: number, ignoreIndex = -100) => Int32Array.from({ length: n }, (_, i) => (i === 1 ? ignoreIndex : (i * 7919) % c));

describe.runIf(gpu)('fused (webgpu) vs composed (webgpu, cpu)', () => {
  it.each([[[3, 7]], [[2, 3, 5, 9]], [[1, 1]], [[4, 130]], [[2, 1023]], [[3, 1025]], [[1, 50257]], [[2000, 3]], [[9, 33, 1]]])('softmax of %j', async (shape) => {
    await expectFused(SOFTMAX, (x) => softmax(x, -1), [input(shape, 1)]);
  });

  it('softmax of strided inputs, and with a strided upstream gradient', async () => {
    await expectFused(SOFTMAX, (x) => softmax(x.transpose(0, 1), -1), [input([5, 6], 2)]);
    await expectFused(SOFTMAX, (x) => softmax(x.transpose(0, 1), -1).transpose(0, 1), [input([1100, 3], 2)]);
    await expectFused(SOFTMAX, (x) => softmax(x.narrow(1, 1, 37), -1), [input([4, 40], 2)]);
  });

  it('softmax of huge, infinite and NaN logits: NaN rows, −∞ rows (0/0 = NaN) and −∞ entries (0) as the composed op', async () => {
    const I = Infinity;
    const rows = [[1e30, -1e30, 3, 0, 2], [-I, -I, -I, -I, -I], [-I, 1, -I, 2, 0], [NaN, 1, 2, 3, 4], [I, 1, 2, 3, 4], [88, 89, 90, -100, 0]];
    const data = Float32Array.from(rows.flat());
    await expectFused(SOFTMAX, (x) => softmax(x, -1), [{ data, shape: [rows.length, 5] }]);
    await expectFused(SOFTMAX, (x) => causalSoftmax(x, { scale: 0.5, offset: 4 }), [{ data, shape: [rows.length, 5] }]);
  });

  it.each([
    [[2, 3, 6, 6], undefined], [[1, 2, 3, 7], 4], [[2, 5, 5], 0], [[1, 1, 9, 9], undefined], [[1, 1, 1, 11], 10],
    [[1, 2, 5, 1100], undefined], [[1, 1, 3, 2000], 0], [[2, 2, 40, 40], undefined], [[1, 300, 33], 2],
  ])('causalSoftmax of %j, offset %j', async (shape, offset) => {
    await expectFused(SOFTMAX, (x) => causalSoftmax(x, { scale: 0.37, offset }), [input(shape, 3)]);
  });

  it('causalSoftmax of a strided (key-sliced) input', async () => {
    await expectFused(SOFTMAX, (x) => causalSoftmax(x.narrow(-1, 0, 9), { scale: 0.5, offset: 2 }), [input([2, 7, 12], 4)]);
  });

  it('causalSoftmax: where every visible key is −∞ the row is NaN there and 0 in the future, as the CPU kernel', async () => {
    const I = Infinity;
    const data = Float32Array.from([-I, 1, 2, -I, -I, 3, 1, 2, 3]);
    const on = async (b: Backend) => Array.from(await causalSoftmax(fromTypedArray(data, [3, 3], { backend: b }), { offset: 0 }).data());
    const got = await on(gpu as Backend);
    expect(got.slice(0, 6)).toEqual([NaN, 0, 0, NaN, NaN, 0]);
    expectClose(got, await on(cpu), { atol: 1e-7, rtol: 1e-6 }, 'webgpu vs the CPU kernel');
  });

  it.each([[[4, 7], true], [[2, 3, 16], true], [[5, 9], false], [[3, 1030], true], [[1, 50257], true], [[600, 33], true], [[4500, 16], true], [[1, 1], true]])(
    'layerNorm of %j (weight and bias: %j)', async (shape, affine) => {
      const C = shape[shape.length - 1];
      const f = affine ? (x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, w, b) : (x: Tensor) => layerNorm(x, null, null);
      await expectFused(LAYER_NORM, f, affine ? [input(shape, 4), input([C], 5, 0.5, 1.5), input([C], 6)] : [input(shape, 4)], LN_TOL);
    });

  it('layerNorm with only a weight, only a bias, a weight that needs no gradient, a strided input', async () => {
    await expectFused(LAYER_NORM, (x, w) => layerNorm(x, w, null), [input([300, 10], 7), input([10], 8, 0.5, 1.5)], LN_TOL);
    await expectFused(LAYER_NORM, (x, b) => layerNorm(x, null, b), [input([300, 10], 7), input([10], 8)], LN_TOL);
    await expectFused(LAYER_NORM, (x, w, b) => layerNorm(x, w, b), [input([3, 10], 7), input([10], 8, 0.5, 1.5, false), input([10], 9)], LN_TOL);
    await expectFused(LAYER_NORM, (x, w, b) => layerNorm(x.transpose(0, 1), w, b), [input([20, 70], 7), input([20], 8, 0.5, 1.5), input([20], 9)], LN_TOL);
  });

  it('layerNorm: dw and db over many rows are deterministic (no atomics), bit for bit', async () => {
    const inputs = [input([2600, 24], 10), input([24], 11, 0.5, 1.5), input([24], 12)];
    const f = (x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, w, b);
    const first = await expectFused(LAYER_NORM, f, inputs, LN_TOL);
    const again = await runOp(gpu as Backend, f, inputs);
    expect(again.grads).toEqual(first.grads);
  });

  it.each([[6, 11, -100], [4, 1000, 3], [3, 50257, -100], [1, 50257, -100], [2, 1025, -100], [300, 5, -100]])(
    'crossEntropy of (%i, %i) logits, ignoreIndex %i', async (n, c, ignoreIndex) => {
      await expectFused(CROSS_ENTROPY, ce(targetsFor(n, c, ignoreIndex), ignoreIndex), [input([n, c], 9, -10, 10)]);
    });

  it('crossEntropy of (B, T, C) logits and of strided logits', async () => {
    await expectFused(CROSS_ENTROPY, ce(targetsFor(6, 37), -100), [input([2, 3, 37], 13, -10, 10)]);
    await expectFused(CROSS_ENTROPY, (x) => ce(targetsFor(5, 1030), -100)(x.transpose(0, 1)), [input([1030, 5], 14, -10, 10)]);
  });

  it.each([[[2, 3, 5], 7], [[4, 9], 1], [[1, 300], 260], [[70, 33], 65], [[3, 0], 4]])('linear (bias in the matmul) of %j to %i features, both matmul kernels', async (shape, outF) => {
    const inF = shape[shape.length - 1];
    const inputs = [input(shape, 23), input([outF, inF], 24, -1, 1), input([outF], 25)];
    const f = (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b);
    const kernels = inF === 0 ? [] : ['matmulBias'];
    await expectFused(kernels, f, inputs, { atol: 1e-5, rtol: 1e-5 });
    await expectFused(kernels, f, inputs, { atol: 1e-5, rtol: 1e-5 }, otherMatmul as Backend);
  });

  it('every fused kernel on tensors split over several bindings and on 2-D grids', async () => {
    const s = split as Backend;
    await expectFused(SOFTMAX, (x) => softmax(x, -1), [input([40, 20], 15)], undefined, s);
    await expectFused(SOFTMAX, (x) => causalSoftmax(x, { scale: 0.7, offset: 3 }), [input([3, 37, 9], 16)], undefined, s);
    await expectFused(LAYER_NORM, (x, w, b) => layerNorm(x, w, b), [input([40, 20], 17), input([20], 18, 0.5, 1.5), input([20], 19)], LN_TOL, s);
    await expectFused(CROSS_ENTROPY, ce(targetsFor(6, 150), -100), [input([6, 150], 20, -10, 10)], undefined, s);
    await expectFused(['matmulBias'], (x, w, b) => linear(x, w, b), [input([20, 30], 21), input([25, 30], 22, -1, 1), input([25], 23)], { atol: 1e-5, rtol: 1e-5 }, s);
  });
});
