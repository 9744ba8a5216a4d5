// The PyTorch golden values (scripts/fixtures/finetune_torch.py) and number comparison.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@llm/tensor';
export { expectMaxAbsDiff as expectClose } from '../../../../testing/compare.js';

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
