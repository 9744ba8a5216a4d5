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

/** What a fixture case runs: a forward, and (for modules with weights) a state dict. */
export interface FixtureModule {
  forward(x: Tensor): Tensor;
  loadStateDict?(sd: Record<string, Tensor>): unknown;
  stateDict?(): Record<string, Tensor>;
}

/**
 * Loads the case's weights (strict: our names, from `rename`, and shapes are PyTorch's), runs the
 * input forward and backward, and compares the output, the input gradient and every weight gradient.
 */
export async function expectMatchesFixture(module: FixtureModule, c: FixtureCase, rename: (pytorchName: string) => string): Promise<void> {
  module.loadStateDict?.(Object.fromEntries(Object.entries(c.weights).map(([k, t]) => [rename(k), toTensor(t)])));
  const x = toTensor(c.input, true);
  const out = module.forward(x);
  expect(out.shape).toEqual(c.output.shape);
  expectClose(await out.data(), c.output.data, { what: `${c.name} output` });
  out.backward(toTensor(c.gradOutput));
  expectClose(await x.grad!.data(), c.gradInput.data, { what: `${c.name} grad input` });
  const params = module.stateDict?.() ?? {};
  for (const [name, g] of Object.entries(c.gradWeights)) {
    const p = params[rename(name)];
    expect(p?.grad, `${name} has a gradient`).toBeTruthy();
    expectClose(await p.grad!.data(), g.data, { what: `${c.name} grad ${name}` });
  }
}
