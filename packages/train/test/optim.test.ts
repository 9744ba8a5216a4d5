// AdamW, SGD and clipGradNorm against trajectories recorded from torch.optim (test/fixtures/adamw.json,
// made by scripts/fixtures/optimizers.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromTypedArray, memoryStats, type Tensor, tensor, tidy } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW, clipGradNorm, SGD, weightDecayGroups, warmupCosineLr } from '../src/index.js';

interface Arr { shape: number[]; data: number[] }
interface Case { name: string; optimizer: 'AdamW' | 'SGD'; hyper: Record<string, number | number[] | boolean>; params: Arr[]; steps: { grads: Arr[]; params: Arr[] }[] }
interface Clip { name: string; maxNorm: number; grads: Arr[]; clippedGrads: Arr[]; totalNorm: number }
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/adamw.json', import.meta.url)), 'utf8')) as { cases: Case[]; clipGradNorm: Clip[] };

const toTensor = (a: Arr, requiresGrad = false): Tensor => fromTypedArray(Float32Array.from(a.data), a.shape, { requiresGrad });

function expectClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst, `${what}: max |diff|`).toBeLessThanOrEqual(tol);
}

function makeOptimizer(c: Case, params: Tensor[]): AdamW | SGD {
  const h = c.hyper;
  if (c.optimizer === 'AdamW') {
    return new AdamW(params, { lr: h.lr as number, betas: h.betas as [number, number], eps: h.eps as number, weightDecay: h.weightDecay as number });
  }
  return new SGD(params, { lr: h.lr as number, momentum: h.momentum as number, dampening: h.dampening as number, weightDecay: h.weightDecay as number, nesterov: h.nesterov as boolean });
}

describe('optimizers match torch.optim on the golden trajectories', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: parameters after each of ${c.steps.length} steps within 1e-6`, () => {
      const params = c.params.map((p) => toTensor(p, true));
      const opt = makeOptimizer(c, params);
      c.steps.forEach((s, k) => {
        params.forEach((p, i) => { p.grad = toTensor(s.grads[i]); });
        opt.step();
        opt.zeroGrad();
        params.forEach((p, i) => expectClose(p.dataSync(), s.params[i].data, 1e-6, `${c.name} step ${k + 1} param ${i}`));
      });
      opt.dispose();
    });
  }

  it('AdamW restored from its state dict continues the same trajectory', () => {
    const c = fixture.cases.find((x) => x.optimizer === 'AdamW')!;
    const params = c.params.map((p) => toTensor(p, true));
    const opt = makeOptimizer(c, params);
    for (const k of [0, 1]) {
      params.forEach((p, i) => { p.grad = toTensor(c.steps[k].grads[i]); });
      opt.step();
      opt.zeroGrad();
    }
    const sd = opt.stateDict();
    const fresh = params.map((p) => fromTypedArray(p.dataSync().slice(), p.shape, { requiresGrad: true }));
    const restored = makeOptimizer(c, fresh);
    restored.loadStateDict(sd);
    opt.dispose();
    for (let k = 2; k < c.steps.length; k++) {
      fresh.forEach((p, i) => { p.grad = toTensor(c.steps[k].grads[i]); });
      restored.step();
      restored.zeroGrad();
    }
    fresh.forEach((p, i) => expectClose(p.dataSync(), c.steps[c.steps.length - 1].params[i].data, 1e-6, `param ${i}`));
  });

  it('AdamW uses PyTorch defaults', () => {
    const opt = new AdamW([tensor([1, 2], { requiresGrad: true })]);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  });

  it('a step inside tidy leaves memory flat after the state is made', () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const opt = new AdamW([p], { lr: 0.1 });
    const once = () => tidy(() => { p.mul(p).sum().backward(); opt.step(); opt.zeroGrad(); });
    once();
    const before = memoryStats();
    for (let i = 0; i < 5; i++) once();
    expect(memoryStats()).toEqual(before);
  });
});

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  for (const c of fixture.clipGradNorm) {
    it(`${c.name}: total norm ${c.totalNorm.toFixed(4)} and clipped gradients`, async () => {
      const params = c.grads.map((g) => { const p = fromTypedArray(new Float32Array(g.data.length), g.shape, { requiresGrad: true }); p.grad = toTensor(g); return p; });
      const norm = clipGradNorm(params, c.maxNorm);
      expect(Math.abs((await norm.item()) - c.totalNorm)).toBeLessThanOrEqual(1e-5 * c.totalNorm);
      params.forEach((p, i) => expectClose(p.grad!.dataSync(), c.clippedGrads[i].data, 1e-6, `grad ${i}`));
    });
  }
});

describe('parameter groups', () => {
  it('weightDecayGroups puts matrices in the decayed group and 1-D parameters in the other', () => {
    const w = tensor([[1, 2]], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const groups = weightDecayGroups([['lin.weight', w], ['lin.bias', b]], { weightDecay: 0.1 });
    expect(groups.map((g) => [g.params, g.weightDecay])).toEqual([[[w], 0.1], [[b], 0]]);
  });

  it('a group with weightDecay 0 is not decayed while the other is (AdamW with zero gradients)', () => {
    const w = tensor([[1, 1]], { requiresGrad: true });
    const b = tensor([1, 1], { requiresGrad: true });
    const opt = new AdamW(weightDecayGroups([['w', w], ['b', b]], { weightDecay: 0.5 }), { lr: 0.1 });
    w.grad = tensor([[0, 0]]);
    b.grad = tensor([0, 0]);
    opt.step();
    // decoupled decay alone: p ← p(1 - lr·wd) = 0.95; the 1-D group stays at 1
    expectClose(w.dataSync(), [0.95, 0.95], 1e-7, 'w');
    expectClose(b.dataSync(), [1, 1], 0, 'b');
  });

  it('rejects a parameter in two groups', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new AdamW([{ params: [w] }, { params: [w] }])).toThrow(/more than one group/);
  });
});

describe('warmup + cosine schedule (the book, appendix D)', () => {
  // the book's run: 135 steps, 27 warmup, initial = min = 1e-5, peak 1e-3; values from its formula
  const o = { peakLr: 1e-3, warmupSteps: 27, totalSteps: 135, initialLr: 1e-5, minLr: 1e-5 };
  it('rises linearly, peaks after warmup, decays along a half cosine to the minimum', () => {
    expect(warmupCosineLr(0, o)).toBeCloseTo(1e-5, 12);
    expect(warmupCosineLr(13, o)).toBeCloseTo(1e-5 + 13 * (0.99e-3 / 27), 12);
    expect(warmupCosineLr(27, o)).toBeCloseTo(1e-3, 12);
    // halfway through the decay: the mean of peak and min
    expect(warmupCosineLr(27 + 54, o)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(warmupCosineLr(135, o)).toBeCloseTo(1e-5, 12);
    expect(warmupCosineLr(134, o)).toBeGreaterThan(1e-5);
  });
});
