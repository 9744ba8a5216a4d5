// Which backend new tensors go to. The CPU backend is built in; others (WebGPU) register
// themselves when they are loaded, so nothing here imports them.
import type { Backend } from './backend.js';
import { CpuBackend } from './backends/cpu/index.js';

const registry = new Map<string, Backend>();
let current: Backend | null = null;

export const cpu: Backend = new CpuBackend();
registerBackend(cpu);

export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

export function getBackend(name?: string): Backend {
  if (name === undefined) return current ?? cpu;
  const b = registry.get(name);
  if (!b) {
    const hint = name === 'webgpu' ? " (call `await initWebGPU()` from '@llm/tensor' first)" : '';
    throw new Error(`unknown backend '${name}'${hint}; registered: ${[...registry.keys()].join(', ')}`);
  }
  return b;
}

/** Makes `name` the backend for tensors created without an explicit one. */
export function setBackend(name: string): Backend {
  current = getBackend(name);
  return current;
}
