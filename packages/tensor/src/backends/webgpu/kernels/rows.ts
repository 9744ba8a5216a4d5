// What the row kernels (softmax.ts, layer-norm.ts, cross-entropy.ts) share: a team of threads per
// row of a contiguous (rows, n) block, with the row's sum or max reduced as a tree in workgroup
// memory. As in reduce.ts, short rows get a 32-thread team and 8 rows per workgroup (fewer
// workgroups and barriers), rows of 1024+ a whole 256-thread workgroup each; either way a row's
// elements are visited by its team in a fixed order, so results are deterministic. Any number of
// rows: the workgroups spread over a 2-D grid (Runner.run), and the ones past the end return.
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';

export const ROW_WG = 256;

/** Threads per row for rows of n elements. */
export const teamSize = (n: number): number => (n >= 1024 ? ROW_WG : 32);

/**
 * Module-scope WGSL: teamSum / teamMax over a row's `tpr` threads. Every thread of the workgroup
 * must call them (they hold barriers), each with its own partial `v`; all get the row's total.
 * teamMax lets NaN win, as the CPU's max.
 */
function teamWgsl(tpr: number): string {
  const tree = (fold: string) => `
  red[li] = v;
  workgroupBarrier();
  for (var w = ${tpr / 2}u; w > 0u; w = w >> 1u) {
    if (lx < w) { red[li] = ${fold}; }
    workgroupBarrier();
  }
  let total = red[li - lx];
  workgroupBarrier(); // everyone has read the total before red is reused
  return total;`;
  return `var<workgroup> red: array<f32, ${ROW_WG}>;
fn maxN(a: f32, b: f32) -> f32 {
  if (isNan(a) || isNan(b)) { return nanF(); }
  return max(a, b);
}
fn teamSum(v: f32, li: u32, lx: u32) -> f32 {${tree('red[li] + red[li + w]')}
}
fn teamMax(v: f32, li: u32, lx: u32) -> f32 {${tree('maxN(red[li], red[li + w])')}
}`;
}

export interface RowKernel {
  key: string;
  buffers: KernelSpec['buffers'];
  /** Uniform params; `rows` is added first (the prologue needs it). */
  params: KernelSpec['params'];
  /** WGSL run per row. In scope: row, valid (row < P.rows: threads of a missing row only help with the barriers), lx (the thread in the team, 0..T-1), T (team size), li. */
  body: string;
}

/** The spec of a row kernel with teams of `tpr` threads. */
export function rowSpec(k: RowKernel, tpr: number): KernelSpec {
  const perGroup = ROW_WG / tpr;
  return {
    key: `${k.key}_t${tpr}`,
    buffers: k.buffers,
    params: [['rows', 'u32'], ...k.params],
    workgroup: [tpr, perGroup, 1],
    module: () => teamWgsl(tpr),
    body: () => `
  if (group * ${perGroup}u >= P.rows) { return; }
  let row = group * ${perGroup}u + lid.y;
  let valid = row < P.rows;
  let lx = lid.x;
  let T = ${tpr}u;
${k.body}`,
  };
}

/** Runs a row kernel over `rows` rows of `n` elements; `params` follow `rows`. */
export function runRows(r: Runner, k: RowKernel, rows: number, n: number, buffers: readonly GpuStorage[], params: readonly number[]): void {
  if (rows === 0 || n === 0) return;
  const tpr = teamSize(n);
  r.run(rowSpec(k, tpr), buffers, [rows, ...params], Math.ceil((rows * tpr) / ROW_WG));
}
