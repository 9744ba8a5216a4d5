/// <reference types="@webgpu/types" />
// A kernel is described once (its buffers, uniform params and WGSL body); this file turns the
// description into a full WGSL module, and caches pipelines and bind group layouts by key.
//
// Every buffer is reached through accessors `ld_<name>(i)` / `st_<name>(i, v)`. A tensor larger
// than one storage binding is bound as several consecutive chunks of CH elements, and its
// accessors pick the chunk: so every kernel works on tensors up to the device's maxBufferSize,
// at the price of a branch per access for the split ones only.
import { type Scalar, WGSL_COMMON } from './wgsl.js';

/** 'write': the kernel overwrites every element (so a pending zero-fill can be skipped). */
export type Access = 'read' | 'write' | 'readwrite';

export interface BufferDecl {
  name: string;
  type: Scalar;
  access: Access;
}

export interface KernelSpec {
  /** Identifies the generated WGSL, apart from the chunking that the dispatcher appends. */
  key: string;
  buffers: readonly BufferDecl[];
  params: readonly (readonly [string, Scalar])[];
  workgroup: readonly [number, number, number];
  /** Binds the index-error flag: the body may call badIndex(code, index, size). */
  indexCheck?: boolean;
  /** Module-scope WGSL: workgroup arrays, helper functions. */
  module?: () => string;
  /** The entry point's body. In scope: P (params), group (linear workgroup id), wg, lid, li. */
  body: () => string;
}

/** Codes the index-error flag reports (first word), so the error can name the op. */
export const INDEX_OPS = ['', 'indexSelect', 'indexAdd', 'gather', 'scatterAdd'] as const;

function bufferWgsl(d: BufferDecl, chunks: number, first: number): string {
  const mode = d.access === 'read' ? 'read' : 'read_write';
  const lines: string[] = [];
  for (let c = 0; c < chunks; c++) {
    lines.push(`@group(0) @binding(${first + c}) var<storage, ${mode}> ${d.name}_${c}: array<${d.type}>;`);
  }
  const pick = (stmt: (arr: string) => string): string => {
    if (chunks === 1) return `  ${stmt(`${d.name}_0[i]`)}`;
    const cases = [];
    for (let c = 0; c < chunks - 1; c++) cases.push(`    case ${c}u: { ${stmt(`${d.name}_${c}[r]`)} }`);
    cases.push(`    default: { ${stmt(`${d.name}_${chunks - 1}[r]`)} }`);
    return `  let c = i / CH;\n  let r = i - c * CH;\n  switch c {\n${cases.join('\n')}\n  }`;
  };
  lines.push(`fn ld_${d.name}(i: u32) -> ${d.type} {\n${pick((a) => `return ${a};`)}\n}`);
  if (d.access !== 'read') lines.push(`fn st_${d.name}(i: u32, v: ${d.type}) {\n${pick((a) => `${a} = v;`)}\n}`);
  return lines.join('\n');
}

/** The full WGSL module of `spec` with its buffers split into `chunks[j]` bindings each. */
export function buildWgsl(spec: KernelSpec, chunks: readonly number[], chunkElems: number): string {
  const out: string[] = [`const CH: u32 = ${chunkElems}u;`, WGSL_COMMON];
  const fields = spec.params.map(([n, t]) => `  ${n}: ${t},`);
  out.push(`struct Params {\n${fields.length ? fields.join('\n') : '  unused: u32,'}\n}`);
  out.push('@group(0) @binding(0) var<uniform> P: Params;');
  let binding = 1;
  spec.buffers.forEach((d, j) => {
    out.push(bufferWgsl(d, chunks[j], binding));
    binding += chunks[j];
  });
  if (spec.indexCheck) {
    out.push(`@group(0) @binding(${binding}) var<storage, read_write> flag: array<atomic<u32>, 4>;
// records the first out-of-range index (op code, index, size) for the next read to report
fn badIndex(code: u32, j: i32, size: u32) {
  loop {
    let r = atomicCompareExchangeWeak(&flag[0], 0u, code);
    if (r.exchanged) { atomicStore(&flag[1], bitcast<u32>(j)); atomicStore(&flag[2], size); break; }
    if (r.old_value != 0u) { break; }
  }
}`);
  }
  if (spec.module) out.push(spec.module());
  const [x, y, z] = spec.workgroup;
  out.push(`@compute @workgroup_size(${x}, ${y}, ${z})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32, @builtin(num_workgroups) nwg: vec3u) {
  let group = wg.y * nwg.x + wg.x;
${spec.body()}
}`);
  return out.join('\n\n');
}

export interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Pipelines by kernel key + chunking; bind group layouts by their binding signature. */
export class PipelineCache {
  private readonly pipelines = new Map<string, CompiledKernel>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  constructor(private readonly device: GPUDevice, private readonly chunkElems: number) {}

  get size(): number { return this.pipelines.size; }

  get(spec: KernelSpec, chunks: readonly number[]): CompiledKernel {
    const key = `${spec.key}|${chunks.join(',')}`;
    let k = this.pipelines.get(key);
    if (!k) {
      const layout = this.layoutFor(spec, chunks);
      const code = buildWgsl(spec, chunks, this.chunkElems);
      const module = this.device.createShaderModule({ code, label: spec.key });
      const pipeline = this.device.createComputePipeline({
        label: spec.key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      k = { pipeline, layout };
      this.pipelines.set(key, k);
    }
    return k;
  }

  private layoutFor(spec: KernelSpec, chunks: readonly number[]): GPUBindGroupLayout {
    const kinds: GPUBufferBindingType[] = ['uniform'];
    spec.buffers.forEach((d, j) => {
      for (let c = 0; c < chunks[j]; c++) kinds.push(d.access === 'read' ? 'read-only-storage' : 'storage');
    });
    if (spec.indexCheck) kinds.push('storage');
    const sig = kinds.join(',');
    let layout = this.layouts.get(sig);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        entries: kinds.map((type, binding) => ({ binding, visibility: 4 /* GPUShaderStage.COMPUTE */, buffer: { type } })),
      });
      this.layouts.set(sig, layout);
    }
    return layout;
  }
}
