// The PyTorch golden values (scripts/fixtures/finetune_torch.py) and number comparison.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@llm/tensor';
import { expect } from 'vitest';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
export const TINY_GPT2 = `${FIXTURES}/tiny-gpt2`;

export interface FixtureTensor { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }

export interface TorchFixture {
  ids: FixtureTensor;
  labels: FixtureTensor;
  pad: number;
  headWeight: FixtureTensor;
  headBias: FixtureTensor;
  classifier: { lastLogits: FixtureTensor; loss: number; trainable: number; grads: Record<string, FixtureTensor> };
  lora: { rank: number; alpha: number; params: Record<string, FixtureTensor>; trainable: number; lastLogits: FixtureTensor; loss: number; grads: Record<string, FixtureTensor> };
}

export function readTorchFixture(): TorchFixture {
  return JSON.parse(readFileSync(`${FIXTURES}/finetune-torch.json`, 'utf8'));
}

export function toTensor(t: FixtureTensor): Tensor {
  return tensor(t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), { shape: t.shape });
}

/** max |actual - expected| <= tol, naming the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = Number.isNaN(d) ? Infinity : d; at = i; }
  }
  if (worst > tol) expect.fail(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${worst} > ${tol})`);
}
