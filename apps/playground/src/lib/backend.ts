// Picks where tensors live: WebGPU where the browser has a usable adapter, else the CPU backend
// with its WebAssembly SIMD matmul (compiled asynchronously here: a browser's main thread refuses
// to compile it synchronously, and without it matmuls run in plain JS, ~30x slower).
import { getBackend, initMatmul, initWebGPU, matmulInfo, setBackend } from '@llm/tensor';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendInfo {
  name: 'webgpu' | 'cpu';
  /** The adapter, or the CPU matmul kernel in use. */
  detail: string;
  /** Why WebGPU was not used, when it was wanted. */
  fallbackReason?: string;
}

export function parseBackendChoice(value: string | null | undefined): BackendChoice {
  return value === 'webgpu' || value === 'cpu' ? value : 'auto';
}

function hasNavigatorGpu(): boolean {
  return !!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
}

export async function startBackend(choice: BackendChoice): Promise<BackendInfo> {
  let cpuKernelError = '';
  try {
    await initMatmul();
  } catch (e) {
    cpuKernelError = ` (WebAssembly matmul unavailable: ${(e as Error).message})`;
  }
  let fallbackReason: string | undefined;
  if (choice !== 'cpu') {
    if (hasNavigatorGpu()) {
      try {
        const gpu = await initWebGPU();
        setBackend(gpu.name);
        return { name: 'webgpu', detail: gpu.adapterName };
      } catch (e) {
        fallbackReason = (e as Error).message;
      }
    } else {
      fallbackReason = 'this browser has no WebGPU (navigator.gpu is missing)';
    }
  }
  setBackend('cpu');
  const m = matmulInfo();
  const kernel = m.simd ? `WebAssembly ${m.relaxedSimd ? 'relaxed SIMD' : 'SIMD'} matmul` : `plain JS matmul${cpuKernelError}`;
  return { name: 'cpu', detail: kernel, fallbackReason };
}

export function currentBackendName(): string {
  return getBackend().name;
}
