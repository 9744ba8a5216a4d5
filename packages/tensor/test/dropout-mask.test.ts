// Dropout's mask drawn in WebAssembly (assembly/random.ts) is the one Generator.uniform() draws in
// a JS loop, bit for bit, and leaves the generator exactly where that loop would: a seed gives
// the same masks (and the same numbers after them) with or without the kernel.
import { describe, expect, it } from 'vitest';
import { cpu, dropout, Generator, ones, tidy, withProfile } from '../src/index.js';

describe('dropout mask kernel', () => {
  it.each([0.1, 0.5, 1e-4, 0.9999])('p = %s: the same mask and the same stream afterwards as Generator.uniform', async (p) => {
    const n = 100_003;
    const kernel = new Generator(42), loop = new Generator(42);
    const x = ones([n]);
    const { result, profile } = await withProfile(cpu, () => tidy(() => dropout(x, p, { generator: kernel })));
    const got = result.dataSync();
    const scale = Math.fround(1 / (1 - p));
    let mismatches = 0, kept = 0;
    for (let i = 0; i < n; i++) {
      const want = loop.uniform() >= p ? scale : 0;
      if (got[i] !== want) mismatches++;
      if (want !== 0) kept++;
    }
    expect(mismatches).toBe(0);
    expect(kernel.getState()).toEqual(loop.getState());
    expect(kernel.uniform()).toBe(loop.uniform());
    expect(Math.abs(kept / n - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 1e-4);
    expect(profile.has('wasm dropout mask compute (part)')).toBe(true);
  });
});
