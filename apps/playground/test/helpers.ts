// Fixture files and number comparison shared by the unit tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** @llm/gpt's tiny random GPT-2 in Hugging Face's layout (made by PyTorch: scripts/fixtures/tiny_gpt2.py). */
export const TINY_GPT2_DIR = fileURLToPath(new URL('../../../packages/gpt/test/fixtures/tiny-gpt2/', import.meta.url));

export interface FixtureTensor { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }

/** PyTorch's attention weights and logits for that model (scripts/attention_fixture.py). */
export function readAttentionFixture(): { ids: FixtureTensor; attention: FixtureTensor; logits: FixtureTensor } {
  return JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/tiny-gpt2-attention.json', import.meta.url)), 'utf8'));
}

export function readTinyGpt2(): { bytes: Uint8Array; configJson: string } {
  return { bytes: new Uint8Array(readFileSync(`${TINY_GPT2_DIR}model.safetensors`)), configJson: readFileSync(`${TINY_GPT2_DIR}config.json`, 'utf8') };
}

/** max |actual - expected| <= tol, naming the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = Number.isNaN(d) ? Infinity : d; at = i; }
  }
  if (worst > tol) expect.fail(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${worst} > ${tol})`);
}
