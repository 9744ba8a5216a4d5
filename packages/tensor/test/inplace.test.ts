// In-place updates for optimizers and caches: assign (also through a view), fill, and the fused
// AdamW step against torch.optim.AdamW's update rule written out here in float64.
import { describe, expect, it } from 'vitest';
import { adamwUpdate, assign, fill, fromTypedArray, noGrad, tensor, zeros } from '../src/index.js';
import { adamwComposed } from '../src/ops/inplace.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose, expectTensor } from './helpers/close.js';
import { floats } from './helpers/ref.js';

describe.each(testBackends())('in-place updates (%s)', (backend) => {
  useBackend(backend);

  it('assign writes into the destination storage; views share it', async () => {
    const x = zeros([3, 4]);
    const row = x.narrow(0, 1, 1);
    assign(row, tensor([[1, 2, 3, 4]]));
    const col = x.narrow(1, 3, 1);
    assign(col, tensor([[7], [8], [9]]));
    await expectTensor(x, [3, 4], [0, 0, 0, 7, 1, 2, 3, 8, 0, 0, 0, 9]);
    assign(x.T.narrow(0, 0, 1), tensor([[5, 5, 5]])); // the first column, through a transposed view
    await expectTensor(x, [3, 4], [5, 0, 0, 7, 5, 2, 3, 8, 5, 0, 0, 9]);
  });

  it('assign from a broadcast (0-stride) source and from an overlapping computation', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    assign(x, tensor([10, 20]).expand(2, 2));
    await expectTensor(x, [2, 2], [10, 20, 10, 20]);
    assign(x, x.mul(2)); // a new tensor is computed first, then copied
    await expectTensor(x, [2, 2], [20, 40, 20, 40]);
  });

  it('fill sets every element of a tensor or a window', async () => {
    const x = zeros([2, 3]);
    fill(x.narrow(1, 1, 2), -1);
    await expectTensor(x, [2, 3], [0, -1, -1, 0, -1, -1]);
    fill(x, 0.5);
    await expectTensor(x, [2, 3], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('an SGD step on a parameter: noGrad + assign keeps it a leaf', async () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.mul(w).sum().backward(); // grad 2w
    noGrad(() => assign(w, w.sub(w.grad!.mul(0.25))));
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
    await expectTensor(w, [2], [0.5, 1]);
  });

  it.each(['fused kernel', 'composed from primitives'])('adamwUpdate (%s) follows torch.optim.AdamW (decoupled weight decay, bias correction) over several steps', async (how) => {
    const update = how === 'fused kernel' ? adamwUpdate : adamwComposed;
    const n = 10;
    const p0 = floats(n, 1), h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    const param = fromTypedArray(p0, [2, 5]), m = zeros([2, 5]), v = zeros([2, 5]);
    const ref = { p: Array.from(p0), m: new Array(n).fill(0), v: new Array(n).fill(0) };
    for (let step = 1; step <= 4; step++) {
      const g = floats(n, 10 + step);
      update(param, fromTypedArray(g, [2, 5]), m, v, { ...h, step });
      for (let i = 0; i < n; i++) {
        ref.p[i] *= 1 - h.lr * h.weightDecay;
        ref.m[i] = h.beta1 * ref.m[i] + (1 - h.beta1) * g[i];
        ref.v[i] = h.beta2 * ref.v[i] + (1 - h.beta2) * g[i] * g[i];
        const mHat = ref.m[i] / (1 - h.beta1 ** step), vHat = ref.v[i] / (1 - h.beta2 ** step);
        ref.p[i] -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
      }
    }
    expectClose(await param.data(), ref.p, { atol: 1e-6, rtol: 1e-5 });
    expectClose(await m.data(), ref.m, { atol: 1e-7, rtol: 1e-5 });
    expectClose(await v.data(), ref.v, { atol: 1e-8, rtol: 1e-5 });
  });

  it('in-place updates check shapes, dtypes and density', () => {
    expect(() => assign(zeros([2]), tensor([1, 2], { dtype: 'int32' }))).toThrow(/assign: dtypes differ: destination float32, source int32/);
    const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
    expect(() => adamwUpdate(zeros([2]), zeros([3]), zeros([2]), zeros([2]), h)).toThrow(/adamwUpdate \(grad\): shapes differ/);
    const wide = zeros([2, 4]);
    expect(() => adamwUpdate(wide.narrow(1, 0, 2), zeros([2, 2]), zeros([2, 2]), zeros([2, 2]), h)).toThrow(/adamwUpdate: param must own a dense storage/);
  });
});
