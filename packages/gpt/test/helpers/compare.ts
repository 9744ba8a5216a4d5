// Number comparison for the fidelity tests, and the fixture folder.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@llm/tensor';
import { expect } from 'vitest';

export const TINY_GPT2 = fileURLToPath(new URL('../fixtures/tiny-gpt2', import.meta.url));

export interface FixtureTensor { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }

export function readExpected(): Record<string, FixtureTensor> & { loss: number } {
  return JSON.parse(readFileSync(`${TINY_GPT2}/expected.json`, 'utf8'));
}

export function toTensor(t: FixtureTensor): Tensor {
  return tensor(t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), { shape: t.shape });
}

/** max |actual - expected| <= tol, with the worst element in the message. */
export function expectMaxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = Number.isNaN(d) ? Infinity : d; at = i; }
  }
  if (worst > tol) expect.fail(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${worst} > ${tol})`);
}
