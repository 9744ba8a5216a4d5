// Reading the PyTorch fixtures written by scripts/fixtures/nn_layers.py, and comparing numbers.
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '@llm/tensor';
import { expect } from 'vitest';

export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: number[];
}

export interface FixtureCase {
  name: string;
  class: string;
  config: Record<string, number | boolean | null>;
  weights: Record<string, FixtureTensor>;
  input: FixtureTensor;
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  gradInput: FixtureTensor;
  gradWeights: Record<string, FixtureTensor>;
}

export function readFixture(file: string): FixtureCase[] {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: FixtureCase[] }).cases;
}

export function toTensor(t: FixtureTensor, requiresGrad = false): Tensor {
  const data = t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data);
  return tensor(data, { shape: t.shape, requiresGrad });
}

/** The book's PyTorch attribute names → ours (camelCase). */
export function ourName(pytorchName: string): string {
  return pytorchName.replace(/W_query/g, 'wQuery').replace(/W_key/g, 'wKey').replace(/W_value/g, 'wValue').replace(/out_proj/g, 'outProj');
}

/** |actual - expected| <= atol + rtol·|expected| everywhere, with the worst element in the message. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol = 1e-5, rtol = 1e-4, what = 'values' } = {}): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (tolerance ${atol} + ${rtol}·|expected|)`);
}
