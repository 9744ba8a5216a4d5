// Fixture files and number comparison shared by the unit tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { Generator } from '@llm/tensor';
import { BUILTIN_PATH, BUILTIN_TEXT } from '../src/lib/corpus.js';
export { expectMaxAbsDiff as expectClose } from '../../../testing/compare.js';

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

/** A randomly initialised model (PyTorch's default init, as the book), in eval mode. */
export function createTinyModel(seed: number, config: GPTConfig): GPTModel {
  return new GPTModel(config, { generator: new Generator(seed) }).eval();
}

/** The page's built-in text ('' where ../shared/data is absent: the tests that need it skip, describe.runIf(hasBuiltinText)). */
export const builtinText = BUILTIN_TEXT ?? '';
/** Whether the built-in text is there (../shared/data is read in place, never copied). */
export const hasBuiltinText = BUILTIN_TEXT !== undefined;
if (BUILTIN_TEXT === undefined) console.log(`skipping the training tests: ${BUILTIN_PATH} is absent beside the repository`);
