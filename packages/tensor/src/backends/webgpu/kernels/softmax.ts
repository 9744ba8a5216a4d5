// Fused softmax over the rows of a contiguous (rows, n) block, with attention's scale and causal
// mask applied inside the kernel (no (T, T) mask tensor), and its backward. A team of threads per
// row (rows.ts): the row's max, then Σ e^{scale·x − max}, then the normalised values, each a pass
// over the row. Semantics as the CPU backend's kernels and the composed op:
//  - causal: row r is query r % queries and sees keys [0, r % queries + offset]; the others get 0;
//  - the max subtracted is that of scale·x over the visible keys; a NaN among them makes the row NaN;
//  - a row whose visible entries are all −∞ gives NaN there (0/0), as the composed softmax.
import type { CausalRows } from '../../../backend.js';
import type { GpuStorage, Runner } from '../storage.js';
import { type RowKernel, runRows } from './rows.js';

const FORWARD: RowKernel = {
  key: 'softmax_rows',
  buffers: [{ name: 'x', type: 'f32', access: 'read' }, { name: 'out', type: 'f32', access: 'write' }],
  params: [['xOff', 'u32'], ['n', 'u32'], ['scale', 'f32'], ['causal', 'u32'], ['queries', 'u32'], ['offset', 'u32']],
  body: `
  let n = select(0u, P.n, valid);
  var count = n;
  if (P.causal != 0u) { count = min(n, row % P.queries + P.offset + 1u); }
  let base = P.xOff + row * P.n;
  var m = -infF();
  for (var j = lx; j < count; j = j + T) { m = maxN(m, P.scale * ld_x(base + j)); }
  m = teamMax(m, li, lx);
  if (isInf(m) && signBit(m)) { m = 0.0; } // every visible entry −∞: e = 0 and 0/0 = NaN below
  var s = 0.0;
  for (var j = lx; j < count; j = j + T) { s = s + expF(P.scale * ld_x(base + j) - m); }
  s = teamSum(s, li, lx);
  let inv = select(1.0 / s, nanF(), s == 0.0);
  let o = row * P.n;
  for (var j = lx; j < n; j = j + T) {
    var e = 0.0;
    if (j < count) { e = expF(P.scale * ld_x(base + j) - m) * inv; }
    st_out(o + j, e);
  }`,
};

// dx = scale · y ⊙ (g − Σ g ⊙ y)
const BACKWARD: RowKernel = {
  key: 'softmax_rows_backward',
  buffers: [{ name: 'y', type: 'f32', access: 'read' }, { name: 'g', type: 'f32', access: 'read' }, { name: 'dx', type: 'f32', access: 'write' }],
  params: [['gOff', 'u32'], ['n', 'u32'], ['scale', 'f32']],
  body: `
  let n = select(0u, P.n, valid);
  let o = row * P.n;
  let gb = P.gOff + o;
  var d = 0.0;
  for (var j = lx; j < n; j = j + T) { d = d + ld_y(o + j) * ld_g(gb + j); }
  d = teamSum(d, li, lx);
  for (var j = lx; j < n; j = j + T) { st_dx(o + j, ld_y(o + j) * (ld_g(gb + j) - d) * P.scale); }`,
};

export function softmaxRows(r: Runner, x: GpuStorage, xOffset: number, rows: number, n: number, scale: number, causal: CausalRows | null, out: GpuStorage): void {
  if (causal && !(causal.queries >= 1 && causal.offset >= 0)) throw new RangeError(`webgpu softmax: bad causal rows (queries ${causal.queries}, offset ${causal.offset})`);
  runRows(r, FORWARD, rows, n, [x, out], [xOffset, n, scale, causal ? 1 : 0, causal?.queries ?? 1, causal?.offset ?? 0]);
}

export function softmaxRowsBackward(r: Runner, y: GpuStorage, g: GpuStorage, gOffset: number, rows: number, n: number, scale: number, dx: GpuStorage): void {
  runRows(r, BACKWARD, rows, n, [y, g, dx], [gOffset, n, scale]);
}
