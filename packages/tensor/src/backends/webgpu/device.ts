/// <reference types="@webgpu/types" />
// Finding a GPU: navigator.gpu in browsers (and Deno), the `webgpu` npm package (Dawn) in Node.
// The object that package's create() returns must stay referenced for the life of the process
// (if it is garbage collected, Dawn crashes or hangs), so it is kept here, at module level.

let nodeGpu: GPU | null = null;

const NO_ADAPTER_HELP =
  'Install a GPU driver with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) support; on a machine without a GPU, ' +
  "Mesa's lavapipe software driver works: on Debian bookworm run `sudo bash scripts/install-webgpu-driver.sh` from the repository " +
  "(it installs mesa-vulkan-drivers from bookworm-backports). The CPU backend (the default) needs none of this.";

async function nodeGPU(flags: readonly string[]): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  // a variable specifier keeps bundlers from pulling Dawn into browser builds
  const specifier = 'webgpu';
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (e) {
    throw new Error(
      `initWebGPU: could not load the 'webgpu' package (Dawn for Node, an optional dependency of @llm/tensor): ${(e as Error).message}. ` +
        'Install it with `npm install webgpu@0.6.2`, or keep using the CPU backend.',
    );
  }
  nodeGpu = mod.create([...flags]);
  return nodeGpu;
}

/** navigator.gpu where it exists, else Dawn through the `webgpu` package in Node. */
export async function findGPU(flags: readonly string[] = []): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (isNode) return nodeGPU(flags);
  throw new Error(`initWebGPU: this JavaScript runtime has no WebGPU (navigator.gpu is missing). ${NO_ADAPTER_HELP}`);
}

export interface AdapterRequest {
  powerPreference?: GPUPowerPreference;
  /** Behave as if no adapter were found (tests of the error path). */
  simulateNoAdapter?: boolean;
}

export async function requestAdapter(gpu: GPU, req: AdapterRequest): Promise<GPUAdapter> {
  const adapter = req.simulateNoAdapter ? null : await gpu.requestAdapter({ powerPreference: req.powerPreference });
  if (!adapter) throw new Error(`initWebGPU: no WebGPU adapter found (requestAdapter() returned null). ${NO_ADAPTER_HELP}`);
  return adapter;
}

/** The adapter's own limits for what the kernels bind, not WebGPU's conservative defaults. */
export async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const l = adapter.limits;
  return adapter.requestDevice({
    label: 'llm-tensor',
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/** A software (CPU) adapter such as lavapipe / llvmpipe / SwiftShader. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return !!info.isFallbackAdapter || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`);
}

export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'unknown adapter';
}
