// Reverse-mode autograd: the book's appendix A example first, then accumulation, zeroGrad,
// noGrad, detach and the graph's life cycle.
import { describe, expect, it } from 'vitest';
import { isGradEnabled, noGrad, ones, type Tensor, tensor, tidy } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/close.js';

describe.each(testBackends())('autograd (%s)', (backend) => {
  useBackend(backend);

  it("the book's appendix A example: a = σ(x1·w1 + b), binary cross-entropy", async () => {
    const y = tensor([1]);
    const x1 = tensor([1.1]);
    const w1 = tensor([2.2], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    const a = x1.mul(w1).add(b).sigmoid();
    // BCE = -(y·log a + (1 - y)·log(1 - a))
    const loss = y.mul(a.log()).add(y.neg().add(1).mul(a.neg().add(1).log())).neg().sum();
    loss.backward();
    // the book prints loss 0.0852, dL/dw1 -0.0898, dL/db -0.0817 (PyTorch)
    expect(await loss.item()).toBeCloseTo(0.0852, 4);
    expect(await w1.grad!.item()).toBeCloseTo(-0.0898, 4);
    expect(await b.grad!.item()).toBeCloseTo(-0.0817, 4);
  });

  it('a tensor used twice gets both contributions; a diamond graph sums its paths', async () => {
    const x = tensor([3, -2], { requiresGrad: true });
    x.mul(x).sum().backward(); // d(x²)/dx = 2x
    expectClose(await x.grad!.data(), [6, -4]);

    const z = tensor([0.5], { requiresGrad: true });
    const u = z.exp();
    const v = u.mul(2).add(u.mul(u)).sum(); // 2e^z + e^{2z} → 2e^z + 2e^{2z}
    v.backward();
    expectClose(await z.grad!.data(), [2 * Math.exp(0.5) + 2 * Math.exp(1)], { rtol: 1e-6 });
  });

  it('gradients accumulate over backward calls until zeroGrad', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([4, 5, 6]);
    w.mul(x).sum().backward();
    w.mul(x).sum().backward();
    expectClose(await w.grad!.data(), [8, 10, 12]);
    w.zeroGrad();
    expect(w.grad).toBeNull();
    w.mul(x).sum().backward();
    expectClose(await w.grad!.data(), [4, 5, 6]);
  });

  it('backward(grad) takes the gradient of a non-scalar output', async () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    x.mul(3).backward(tensor([[1, 0], [0, 2]]));
    expectClose(await x.grad!.data(), [3, 0, 0, 6]);
  });

  it('only tensors that need a gradient get one; leaves and intermediates are told apart', async () => {
    const w = tensor([2], { requiresGrad: true });
    const c = tensor([5]);
    const h = w.mul(c);
    expect(w.isLeaf).toBe(true);
    expect(h.isLeaf).toBe(false);
    expect(h.requiresGrad).toBe(true);
    expect(h.gradNode?.op).toBe('mul');
    h.sum().backward();
    expect(c.grad).toBeNull();
    expect(h.grad).toBeNull(); // intermediates keep no .grad, as in PyTorch
    expectClose(await w.grad!.data(), [5]);
  });

  it('noGrad records nothing, nests, and restores the previous mode (also after a throw and an await)', async () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const out = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      noGrad(() => w.add(1));
      expect(isGradEnabled()).toBe(false);
      return w.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(out.requiresGrad).toBe(false);
    expect(out.gradNode).toBeNull();
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    // synchronous only, as tidy: an async fn would keep gradients off for everything during its awaits
    expect(() => noGrad(async () => isGradEnabled())).toThrow(/noGrad cannot span an await/);
    expect(isGradEnabled()).toBe(true);
  });

  it('detach shares the data but stops the gradient', async () => {
    const w = tensor([3], { requiresGrad: true });
    const d = w.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expectClose(await d.data(), [6]);
    w.mul(d).sum().backward(); // d is a constant 6
    expectClose(await w.grad!.data(), [6]);
  });

  it('requiresGrad can be set on a float tensor after creation', async () => {
    const w = ones([2]).requiresGrad_();
    expect(w.requiresGrad).toBe(true);
    w.mul(tensor([7, 8])).sum().backward();
    expectClose(await w.grad!.data(), [7, 8]);
    w.requiresGrad_(false);
    expect(w.add(1).requiresGrad).toBe(false);
  });

  it('a gradient flows through a broadcast and back to the small shape', async () => {
    const bias = tensor([1, 2, 3], { requiresGrad: true });
    const x = ones([4, 3]);
    x.add(bias).sum().backward();
    expect(bias.grad!.shape).toEqual([3]);
    expectClose(await bias.grad!.data(), [4, 4, 4]);
  });

  it('leaf gradients outlive the tidy scope that computed them', async () => {
    const w = tensor([1, -1], { requiresGrad: true });
    tidy(() => {
      w.mul(w).mul(0.5).sum().backward();
    });
    expect(w.grad!.isDisposed).toBe(false);
    expectClose(await w.grad!.data(), [1, -1]);
  });

  it('a graph is used once: a second backward through it is an error, not a silent no-op', () => {
    const w = tensor([1], { requiresGrad: true });
    const h = w.mul(2);
    const loss = h.sum();
    loss.backward();
    expect(() => loss.backward()).toThrow(/already used by an earlier backward/);
    expect(() => h.mul(3).sum().backward()).toThrow(/already used by an earlier backward/);
  });

  it('a deep chain (1,000 ops) backpropagates without recursion limits', async () => {
    const x = tensor([0.5], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 1000; i++) y = y.mul(1.001);
    y.sum().backward();
    expectClose(await x.grad!.data(), [1.001 ** 1000], { rtol: 1e-4 });
  });
});
