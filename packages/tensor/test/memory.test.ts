// The memory model: reference-counted storages shared by views, dispose(), tidy(fn) scopes that
// free what fn made and did not return, keep() for what must outlive them, and memoryStats()
// counters that a training loop holds flat.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  assign, callerScope, cat, crossEntropy, dropout, embedding, getBackend, graphScope, keep, layerNorm, memoryStats, noGrad, randn, stack,
  Tensor, tensor, tidy, variance, where, zeros,
} from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';

/** global.gc when node runs with --expose-gc; otherwise switched on at run time, if V8 allows it. */
function findGC(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

describe.each(testBackends())('memory (%s)', (backend) => {
  useBackend(backend);

  it('dispose() frees a tensor once; views keep the storage alive until the last one goes', async () => {
    const before = memoryStats();
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(memoryStats()).toEqual({ tensors: before.tensors + 1, storages: before.storages + 1 });
    const v = x.T;
    expect(memoryStats()).toEqual({ tensors: before.tensors + 2, storages: before.storages + 1 });
    x.dispose();
    x.dispose(); // a second dispose is a no-op
    expect(x.isDisposed).toBe(true);
    expect(memoryStats()).toEqual({ tensors: before.tensors + 1, storages: before.storages + 1 });
    expect(await v.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    v.dispose();
    expect(memoryStats()).toEqual(before);
  });

  it('disposing a tensor disposes its gradient too', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.mul(2).sum().backward();
    const g = w.grad!;
    w.dispose();
    expect(g.isDisposed).toBe(true);
    expect(w.grad).toBeNull();
  });

  it('tidy frees the intermediates and hands back the result', async () => {
    const x = tensor([1, 2, 3]);
    const before = memoryStats();
    const y = tidy(() => x.mul(2).add(1).exp().log());
    expect(memoryStats()).toEqual({ tensors: before.tensors + 1, storages: before.storages + 1 });
    expect(Array.from(await y.data())).toEqual([3, 5, 7]);
    y.dispose();
    expect(memoryStats()).toEqual(before);
  });

  it('tidy keeps tensors returned in arrays and objects, and what keep() marks', () => {
    const before = memoryStats();
    let kept: Tensor | null = null;
    const out = tidy(() => {
      const a = zeros([2]).add(1);
      kept = keep(zeros([3]).add(2));
      zeros([4]).add(3); // dropped
      return { list: [a, a.mul(2)], n: 3 };
    });
    expect(out.n).toBe(3);
    expect(out.list.every((t) => !t.isDisposed)).toBe(true);
    expect(kept!.isDisposed).toBe(false);
    expect(memoryStats().tensors).toBe(before.tensors + 3);
    out.list.forEach((t) => t.dispose());
    kept!.dispose();
    expect(memoryStats()).toEqual(before);
  });

  it('nested tidy: an inner result belongs to the outer scope', () => {
    const before = memoryStats();
    let inner: Tensor | null = null;
    tidy(() => {
      inner = tidy(() => zeros([2]).add(1));
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(memoryStats()).toEqual(before);
  });

  it('tidy frees what it made even when fn throws', () => {
    const before = memoryStats();
    expect(() => tidy(() => {
      zeros([5]).add(1);
      throw new Error('inside');
    })).toThrow('inside');
    // the scope is closed, so later tensors are not swept by it
    const t = zeros([1]);
    expect(memoryStats().tensors).toBe(before.tensors + 1);
    t.dispose();
  });

  it('outside tidy and without a graph, every op leaves exactly its results (no hidden temporaries)', () => {
    const x = randn([2, 3, 4]), m = randn([4, 5]), v = randn([4]), w = randn([6, 4]), mask = randn([3, 4]).gt(0);
    const ids = tensor([[1, 0, 5]], { dtype: 'int32' }), targets = tensor([1, -100], { dtype: 'int32' }), logits = randn([2, 3]);
    const idx = tensor([[[0], [2], [1]], [[3], [3], [0]]], { dtype: 'int32' });
    const xt = x.transpose(1, 2), xT = x.transpose(0, 2);
    const ops: Record<string, () => Tensor | Tensor[] | { values: Tensor; indices: Tensor }> = {
      'add a number': () => x.add(1), sub: () => x.sub(2), mul: () => x.mul(x), div: () => x.div(3), pow: () => x.pow(2),
      maximum: () => x.maximum(0), clamp: () => x.clamp(-1, 1), compare: () => x.gt(0), where: () => where(mask, x, 0),
      maskedFill: () => x.maskedFill(mask, -Infinity), exp: () => x.exp(), gelu: () => x.gelu(),
      sum: () => x.sum(), 'sum of dims': () => x.sum([0, 2]), mean: () => x.mean(-1, true), var: () => x.var(1),
      max: () => x.max(1), 'max of all': () => x.max(), argmax: () => x.argmax(), softmax: () => x.softmax(1),
      logSoftmax: () => x.logSoftmax(), crossEntropy: () => crossEntropy(logits, targets), layerNorm: () => layerNorm(x, v, v),
      matmul: () => x.matmul(m), 'batched matmul': () => x.matmul(xt), 'vector matmul': () => v.matmul(m),
      'reshape a view': () => xT.reshape(-1), stack: () => stack([x, x], 1), cat: () => cat([x, x]),
      split: () => x.split(2, 2), embedding: () => embedding(w, ids), gather: () => x.gather(2, idx), topk: () => x.topk(2, 1),
      tril: () => x.tril(), dropout: () => dropout(x, 0.5), contiguous: () => xT.contiguous(),
    };
    for (const [name, op] of Object.entries(ops)) {
      for (const mode of ['noGrad', 'no input needs grad'] as const) {
        const before = memoryStats();
        const r = mode === 'noGrad' ? noGrad(op) : op();
        const outs = r instanceof Tensor ? [r] : Array.isArray(r) ? r : [r.values, r.indices];
        expect(memoryStats().tensors - before.tensors, `${name} (${mode})`).toBe(outs.length);
        outs.forEach((t) => t.dispose());
        expect(memoryStats(), `${name} (${mode}) after dispose`).toEqual(before);
      }
    }
  });

  it('a 10,000-op training loop inside tidy keeps memoryStats flat and the heap bounded', () => {
    const gc = findGC();
    const x = randn([16, 8]), y = randn([16, 4]);
    const w = randn([8, 4], { std: 0.1 }).requiresGrad_();
    const b = zeros([4]).requiresGrad_();
    let ops = 0;
    const step = () => tidy(() => {
      const loss = x.matmul(w).add(b).sub(y).square().mean(); // 6 ops (mean is sum + div)
      loss.backward(); // about 12 more
      noGrad(() => {
        assign(w, w.sub(w.grad!.mul(0.01)));
        assign(b, b.sub(b.grad!.mul(0.01)));
      });
      w.zeroGrad();
      b.zeroGrad();
      ops += 24;
    });
    for (let i = 0; i < 5; i++) step(); // warm-up: first-use allocations of the backend
    const baseline = memoryStats();
    const buffers = getBackend(backend).memory().buffers;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    ops = 0;
    let maxTensors = 0;
    while (ops < 10_000) {
      step();
      const m = memoryStats();
      maxTensors = Math.max(maxTensors, m.tensors);
      expect(m).toEqual(baseline);
    }
    expect(maxTensors).toBe(baseline.tensors);
    expect(getBackend(backend).memory().buffers).toBeLessThanOrEqual(buffers);
    gc?.();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    // with a real gc, what survives is what leaks; without one, garbage not yet collected counts too
    expect(growth).toBeLessThan(gc ? 4 * 2 ** 20 : 64 * 2 ** 20);
  });

  it('tidy refuses an async fn: a scope cannot span an await', () => {
    expect(() => tidy((async () => zeros([1])) as unknown as () => Tensor)).toThrow(/cannot span an await/);
  });

  it('outside tidy with a graph recorded, an op\'s temporaries go with its graph: freed by backward, or with the result', () => {
    const x = randn([4, 6], { requiresGrad: true }), w = randn([6], { requiresGrad: true });
    const targets = tensor([1, 0, 5, 2], { dtype: 'int32' });
    const base = memoryStats();
    // no backward: disposing the result frees what the op made on the way
    variance(x, -1).dispose();
    layerNorm(x, w, null).dispose();
    expect(memoryStats()).toEqual(base);
    // backward: once the graph is used, only what the caller holds is left
    const h = layerNorm(x, w, null);
    const ce = crossEntropy(h, targets);
    const v = variance(h);
    const loss = ce.add(v);
    loss.backward();
    for (const t of [loss, v, ce, h]) t.dispose();
    x.zeroGrad();
    w.zeroGrad();
    expect(memoryStats()).toEqual(base);
  });

  it('graphScope leaves only its result, in or outside tidy: the intermediates go with the graph, or at once without one', () => {
    const x = randn([4, 6], { requiresGrad: true }), w = randn([6, 6], { requiresGrad: true });
    const targets = tensor([1, 0, 5, 2], { dtype: 'int32' });
    const layer = (t: Tensor) => graphScope(() => t.matmul(w).gelu().matmul(w).tanh()); // three intermediates
    const base = memoryStats();
    // without a graph the intermediates are freed before it returns
    noGrad(() => layer(x)).dispose();
    expect(memoryStats()).toEqual(base);
    // with one, backward() frees them (nested scopes too); the caller disposes what it was handed
    const loss = graphScope(() => crossEntropy(layer(layer(x)), targets));
    expect(memoryStats().tensors).toBeGreaterThan(base.tensors + 1);
    loss.backward();
    loss.dispose();
    x.zeroGrad();
    w.zeroGrad();
    expect(memoryStats()).toEqual(base);
    // or disposing the result does, without backward
    layer(x).dispose();
    expect(memoryStats()).toEqual(base);
    // inside tidy the same, and the result stays in tidy's scope
    tidy(() => { layer(x); });
    expect(memoryStats()).toEqual(base);
  });

  it('callerScope hands a tensor out of graphScopes into the caller\'s tidy scope', async () => {
    const base = memoryStats();
    let seen: Tensor | undefined;
    const out = tidy(() => {
      graphScope(() => graphScope(() => {
        const h = zeros([3]).add(1);
        callerScope(() => { seen = h.detach(); });
        return h.mul(2);
      })).dispose();
      expect(seen!.isDisposed).toBe(false); // the graphScopes did not free it
      return seen!.sum();
    });
    expect(seen!.isDisposed).toBe(true); // tidy did
    expect(await out.item()).toBe(3);
    out.dispose();
    expect(memoryStats()).toEqual(base);
  });

  it('tidy keeps returned tensors at any depth of arrays and objects', () => {
    const before = memoryStats().tensors;
    const out = tidy(() => {
      zeros([2]); // freed
      return { a: [[[[[{ b: [zeros([3])] }]]]]] };
    });
    const deep = out.a[0][0][0][0][0].b[0];
    expect(deep.isDisposed).toBe(false);
    expect(memoryStats().tensors).toBe(before + 1);
    deep.dispose();
  });
});

describe('memory: forgotten tensors (cpu)', () => {
  it('a tensor never disposed does not pin its storage: once collected, the backend reclaims the buffer', async () => {
    const gc = findGC();
    if (!gc) return; // no way to force a collection here
    const cpuBackend = getBackend('cpu');
    const buffersBefore = cpuBackend.memory().buffers;
    (() => { for (let i = 0; i < 50; i++) zeros([1000]); })(); // dropped without dispose()
    expect(cpuBackend.memory().buffers).toBe(buffersBefore + 50);
    for (let i = 0; i < 10 && cpuBackend.memory().buffers > buffersBefore; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10)); // FinalizationRegistry callbacks run after the collection
    }
    // at most as many as before: buffers that earlier tests forgot may be collected too
    expect(cpuBackend.memory().buffers).toBeLessThanOrEqual(buffersBefore);
  });
});
