// Top-k per row: a workgroup per row runs k rounds; each round finds the best element after the
// previous pick in the order (value descending, index ascending), which is the CPU's sort order.
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import { type Scalar, wgslType } from '../wgsl.js';

const WG = 256;

function topkSpec(t: Scalar): KernelSpec {
  const lowest = t === 'f32' ? '-infF()' : 'i32(-2147483647 - 1)';
  return {
    key: `topk_${t}`,
    buffers: [{ name: 'x', type: t, access: 'read' }, { name: 'values', type: t, access: 'write' }, { name: 'indices', type: 'u32', access: 'write' }],
    params: [['rows', 'u32'], ['cols', 'u32'], ['k', 'u32']],
    workgroup: [WG, 1, 1],
    module: () => `var<workgroup> sv: array<${t}, ${WG}>;
var<workgroup> si: array<u32, ${WG}>;
// (v, vi) comes before (b, bi): larger value, or the same value at a lower index; no index (~0) is last
fn before(v: ${t}, vi: u32, b: ${t}, bi: u32) -> bool {
  if (vi == 0xffffffffu) { return false; }
  if (bi == 0xffffffffu) { return true; }
  return v > b || (v == b && vi < bi);
}`,
    body: () => `
  let row = group;
  if (row >= P.rows) { return; }
  let base = row * P.cols;
  var lastV: ${t} = ${lowest};
  var lastI = 0xffffffffu;
  for (var round = 0u; round < P.k; round = round + 1u) {
    var bv: ${t} = ${lowest};
    var bi = 0xffffffffu;
    for (var c = li; c < P.cols; c = c + ${WG}u) {
      let v = ld_x(base + c);
      // still available: after the last pick in the order
      let open = lastI == 0xffffffffu || before(lastV, lastI, v, c);
      if (open && before(v, c, bv, bi)) { bv = v; bi = c; }
    }
    sv[li] = bv;
    si[li] = bi;
    workgroupBarrier();
    for (var w = ${WG / 2}u; w > 0u; w = w >> 1u) {
      if (li < w && before(sv[li + w], si[li + w], sv[li], si[li])) { sv[li] = sv[li + w]; si[li] = si[li + w]; }
      workgroupBarrier();
    }
    lastV = sv[0];
    lastI = si[0];
    if (li == 0u) {
      st_values(row * P.k + round, lastV);
      st_indices(row * P.k + round, lastI);
    }
    workgroupBarrier();
  }`,
  };
}

export function topk(r: Runner, x: GpuStorage, rows: number, cols: number, k: number, values: GpuStorage, indices: GpuStorage): void {
  if (rows * k === 0) return;
  r.run(topkSpec(wgslType(x.dtype)), [x, values, indices], [rows, cols, k], rows);
}
