// Number comparison shared by the packages' fidelity tests (against PyTorch fixtures or another backend).
import { expect } from 'vitest';

/** The largest |actual − expected| and where it is (NaN counts as Infinity). */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): { worst: number; at: number } {
  expect(actual.length, 'length').toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = Number.isNaN(d) ? Infinity : d; at = i; }
  }
  return { worst, at };
}

/** max |actual − expected| <= tol, with the worst element in the message. */
export function expectMaxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const { worst, at } = maxAbsDiff(actual, expected);
  if (worst > tol) expect.fail(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${worst} > ${tol})`);
}
