// Seedable randomness: the generator against xoshiro128**'s reference outputs, same seed → same
// numbers on every backend, the distributions' moments, multinomial sampling and dropout masks.
import { describe, expect, it } from 'vitest';
import { defaultGenerator, dropout, Generator, manualSeed, multinomial, ones, rand, randint, randn, tensor } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/close.js';
import { refMean, refVar } from './helpers/ref.js';

describe('Generator', () => {
  it('produces the xoshiro128** reference sequence from state (1, 2, 3, 4)', () => {
    // the first outputs of Vigna's C reference implementation for this state
    const g = new Generator().setState([1, 2, 3, 4, NaN]);
    const out = Array.from({ length: 8 }, () => g.nextUint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('getState / setState continue the exact same sequence (normals included)', () => {
    const g = new Generator(42);
    g.normal(); // leaves a spare normal in the state
    const state = g.getState();
    const a = [g.normal(), g.uniform(), g.normal()];
    const h = new Generator(7).setState(state);
    expect([h.normal(), h.uniform(), h.normal()]).toEqual(a);
  });

  it('uniform() lies in [0, 1) and randint(low, high) in [low, high), hitting every value', () => {
    const g = new Generator(1);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const u = g.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      seen.add(g.randint(-3, 4));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });
});

describe.each(testBackends())('random tensors (%s)', (backend) => {
  useBackend(backend);

  it('the same seed gives the same numbers; another seed others', async () => {
    manualSeed(123);
    const a = await randn([50]).data();
    const b = await rand([50]).data();
    const c = await randint(0, 1000, [50]).data();
    manualSeed(123);
    expect(Array.from(await randn([50]).data())).toEqual(Array.from(a));
    expect(Array.from(await rand([50]).data())).toEqual(Array.from(b));
    expect(Array.from(await randint(0, 1000, [50]).data())).toEqual(Array.from(c));
    manualSeed(124);
    expect(Array.from(await randn([50]).data())).not.toEqual(Array.from(a));
  });

  it('an explicit generator leaves the default one alone', async () => {
    manualSeed(5);
    const expected = await rand([4]).data();
    manualSeed(5);
    const g = new Generator(99);
    const first = await randn([10], { generator: g }).data();
    expect(Array.from(await rand([4]).data())).toEqual(Array.from(expected));
    expect(Array.from(await randn([10], { generator: new Generator(99) }).data())).toEqual(Array.from(first));
  });

  it('numbers are drawn on the CPU, so every backend gets the same ones', async () => {
    const here = await randn([2, 3], { generator: new Generator(8) }).data();
    const onCpu = await randn([2, 3], { generator: new Generator(8), backend: 'cpu' }).data();
    expect(Array.from(here)).toEqual(Array.from(onCpu));
  });

  it('rand and randn have the requested moments', async () => {
    const n = 20_000;
    const u = Array.from(await rand([n], { generator: new Generator(2) }).data());
    // bounds of ~7 standard errors
    expect(Math.abs(refMean(u) - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(refVar(false)(u) - 1 / 12)).toBeLessThan(0.005);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const s = Array.from(await rand([n], { generator: new Generator(3), low: -2, high: 6 }).data());
    expect(Math.min(...s)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...s)).toBeLessThan(6);
    expect(Math.abs(refMean(s) - 2)).toBeLessThan(0.12);
    const z = Array.from(await randn([n], { generator: new Generator(4) }).data());
    expect(Math.abs(refMean(z))).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(refVar(false)(z)) - 1)).toBeLessThan(0.04);
    const w = Array.from(await randn([n], { generator: new Generator(5), mean: 3, std: 0.5 }).data());
    expect(Math.abs(refMean(w) - 3)).toBeLessThan(0.025);
    expect(Math.abs(Math.sqrt(refVar(false)(w)) - 0.5)).toBeLessThan(0.02);
    // about 68.3% of a normal sample lies within one standard deviation
    expect(Math.abs(z.filter((v) => Math.abs(v) < 1).length / n - 0.6827)).toBeLessThan(0.025);
  });

  it('randint gives int32 values in [low, high)', async () => {
    const t = randint(5, 9, [3, 400], { generator: new Generator(6) });
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3, 400]);
    const d = Array.from(await t.data());
    expect(new Set(d)).toEqual(new Set([5, 6, 7, 8]));
  });

  it('multinomial samples by the weights (unnormalised ok), never a zero-weight index, reproducibly', async () => {
    const probs = tensor([[1, 0, 3, 6], [0, 0, 5, 0]]);
    const s = await multinomial(probs, 5000, { generator: new Generator(11) });
    expect(s.shape).toEqual([2, 5000]);
    expect(s.dtype).toBe('int32');
    const d = await s.data();
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[d[i]]++;
    expect(counts[1]).toBe(0);
    expectClose(counts.map((c) => c / 5000), [0.1, 0, 0.3, 0.6], { atol: 0.03 }); // ~5 standard errors
    expect(Array.from(d.slice(5000)).every((v) => v === 2)).toBe(true);
    const again = await multinomial(probs, 5000, { generator: new Generator(11) });
    expect(Array.from(await again.data())).toEqual(Array.from(d));
    const one = await multinomial(tensor([0.2, 0.8]), 3, { generator: new Generator(1) });
    expect(one.shape).toEqual([3]);
    expect(one.backend.name).toBe(backend);
  });

  it('dropout masks come from the generator: same seed, same mask', async () => {
    const x = ones([64]);
    const a = await dropout(x, 0.5, { generator: new Generator(21) }).data();
    const b = await dropout(x, 0.5, { generator: new Generator(21) }).data();
    const c = await dropout(x, 0.5, { generator: new Generator(22) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    manualSeed(21);
    expect(Array.from(await dropout(x, 0.5).data())).toEqual(Array.from(a)); // the default generator, seeded the same
    expect(defaultGenerator).toBeInstanceOf(Generator);
  });
});
