// Which backends the tensor suite runs on: 'cpu' and 'webgpu' (which must start, unless
// LLM_SKIP_WEBGPU=1: testing/webgpu.ts). LLM_TEST_BACKENDS=cpu forces a list. Tests are written
// once, as describe.each(testBackends())(...).
import { afterAll, beforeAll } from 'vitest';
import { initWebGPU, setBackend } from '../../src/index.js';
import { startTestWebGPU } from '../../../../testing/webgpu.js';

async function probe(): Promise<string[]> {
  const forced = process.env.LLM_TEST_BACKENDS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (forced?.length) {
    if (forced.includes('webgpu')) await initWebGPU(); // throws: the list was asked for explicitly
    return forced;
  }
  return (await startTestWebGPU(() => initWebGPU())) ? ['cpu', 'webgpu'] : ['cpu'];
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
