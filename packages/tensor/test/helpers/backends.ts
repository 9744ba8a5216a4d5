// Which backends the tensor suite runs on: 'cpu' always, plus 'webgpu' when its backend starts.
// LLM_TEST_BACKENDS=cpu,webgpu forces a list (a forced backend that cannot start is an error,
// not a silent skip). Tests are written once, as describe.each(testBackends())(...).
import { afterAll, beforeAll } from 'vitest';
import { setBackend } from '../../src/index.js';

async function startWebGPU(): Promise<void> {
  // imported lazily: the package never loads Dawn unless asked to
  const mod: { initWebGPU?: () => Promise<unknown> } = await import('../../src/index.js');
  if (typeof mod.initWebGPU !== 'function') throw new Error('this build of @llm/tensor has no initWebGPU()');
  await mod.initWebGPU();
}

async function probe(): Promise<string[]> {
  const forced = process.env.LLM_TEST_BACKENDS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (forced?.length) {
    if (forced.includes('webgpu')) await startWebGPU(); // throws: the list was asked for explicitly
    return forced;
  }
  try {
    await startWebGPU();
    return ['cpu', 'webgpu'];
  } catch (e) {
    console.log(`[@llm/tensor tests] 'webgpu' is not in the backend list: ${(e as Error).message.split('\n')[0]}`);
    return ['cpu'];
  }
}

const backends = await probe();

/** The backends every tensor test runs on. */
export function testBackends(): string[] {
  return [...backends];
}

/** Makes `backend` the default for tensors created in the enclosing describe block. */
export function useBackend(backend: string): void {
  beforeAll(() => { setBackend(backend); });
  afterAll(() => { setBackend('cpu'); });
}
