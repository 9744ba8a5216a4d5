// Comparing numbers read back from tensors with reference values, with a message that shows
// where they differ.
import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

export type Nested = number | Nested[];

export function flat(x: ArrayLike<number> | Nested): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return (x as Nested[]).flat(Infinity as 1) as number[];
  return Array.from(x as ArrayLike<number>);
}

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** |actual - expected| <= atol + rtol·|expected| elementwise; NaN matches NaN, ±Infinity itself. */
export function expectClose(actual: ArrayLike<number> | Nested, expected: ArrayLike<number> | Nested, tol: Tolerance = {}, label = ''): void {
  const { atol = 1e-6, rtol = 1e-5 } = tol;
  const a = flat(actual), e = flat(expected);
  expect(a.length, `${label} length`).toBe(e.length);
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y) ? Number.isNaN(x) : x === y) continue;
    const err = Math.abs(x - y);
    if (!(err <= atol + rtol * Math.abs(y))) {
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
      if (bad.length < 5) bad.push(`[${i}] got ${x}, expected ${y}`);
    }
  }
  if (bad.length) {
    expect.fail(`${label ? label + ': ' : ''}values differ (atol ${atol}, rtol ${rtol}, worst |error| ${worst}): ${bad.join('; ')}`);
  }
}

/** Checks a tensor's shape and (async-read) values. */
export async function expectTensor(t: Tensor, shape: readonly number[], values: ArrayLike<number> | Nested, tol: Tolerance = {}, label = ''): Promise<void> {
  expect(t.shape, `${label} shape`).toEqual(shape);
  expectClose(await t.data(), values, tol, label);
}
