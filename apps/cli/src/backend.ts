// --backend: the CPU backend is built in; WebGPU is started (Dawn in Node) before any tensor is made.
import { UsageError } from './errors.js';
import { suggesting } from './suggest.js';

export const BACKENDS = ['cpu', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export async function useBackend(name: string | undefined): Promise<BackendName> {
  const backend = (name ?? 'cpu') as BackendName;
  if (!BACKENDS.includes(backend)) throw new UsageError(suggesting(`--backend must be one of ${BACKENDS.join(', ')}, got '${name}'`, backend, BACKENDS));
  const tensor = await import('@llm/tensor');
  if (backend === 'webgpu') {
    try {
      await tensor.initWebGPU();
    } catch (e) {
      throw new Error(`the WebGPU backend could not start: ${(e as Error).message}`);
    }
  }
  tensor.setBackend(backend);
  return backend;
}
