// Number comparison for the fidelity tests, and the fixture folder.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@llm/tensor';
export { expectMaxAbsDiff } from '../../../../testing/compare.js';

export const TINY_GPT2 = fileURLToPath(new URL('../fixtures/tiny-gpt2', import.meta.url));

export interface FixtureTensor { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }

export function readExpected(): Record<string, FixtureTensor> & { loss: number } {
  return JSON.parse(readFileSync(`${TINY_GPT2}/expected.json`, 'utf8'));
}

export function toTensor(t: FixtureTensor): Tensor {
  return tensor(t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), { shape: t.shape });
}
