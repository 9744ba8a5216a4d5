// Fused layer norm over the rows of a contiguous (rows, n) block, forward and backward, with the
// optional weight and bias (n). As the CPU backend's kernels:
//  - forward: mean = Σx / n, var = Σ(x − mean)² / n (two passes, no cancellation), rstd = 1/√(var + eps);
//    y = (x − mean)·rstd·w + b, and each row's mean and rstd kept for the backward;
//  - backward: with x̂ = (x − mean)·rstd and ĝ = g ⊙ w, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)),
//    a team of threads per row (rows.ts);
//  - dw = Σ_rows g ⊙ x̂ and db = Σ_rows g: column sums, deterministic without atomics. A workgroup
//    sums 32 columns over a block of up to 256 rows (8 threads a column, each a fixed stride of
//    rows, then a tree); with several blocks their partial sums are added by reduce.ts's column
//    reduction, in block order.
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import { reduce } from './reduce.js';
import { type RowKernel, runRows } from './rows.js';

function forward(hasW: boolean, hasB: boolean): RowKernel {
  return {
    key: `layer_norm_rows_${+hasW}${+hasB}`,
    buffers: [
      { name: 'x', type: 'f32', access: 'read' },
      ...(hasW ? [{ name: 'w', type: 'f32' as const, access: 'read' as const }] : []),
      ...(hasB ? [{ name: 'b', type: 'f32' as const, access: 'read' as const }] : []),
      { name: 'out', type: 'f32', access: 'write' }, { name: 'mean', type: 'f32', access: 'write' }, { name: 'rstd', type: 'f32', access: 'write' },
    ],
    params: [['xOff', 'u32'], ['n', 'u32'], ['eps', 'f32']],
    body: `
  let n = select(0u, P.n, valid);
  let base = P.xOff + row * P.n;
  var s = 0.0;
  for (var j = lx; j < n; j = j + T) { s = s + ld_x(base + j); }
  let mean = teamSum(s, li, lx) / f32(P.n);
  var ss = 0.0;
  for (var j = lx; j < n; j = j + T) {
    let d = ld_x(base + j) - mean;
    ss = ss + d * d;
  }
  let rstd = 1.0 / sqrt(teamSum(ss, li, lx) / f32(P.n) + P.eps);
  if (valid && lx == 0u) {
    st_mean(row, mean);
    st_rstd(row, rstd);
  }
  let o = row * P.n;
  for (var j = lx; j < n; j = j + T) {
    var v = (ld_x(base + j) - mean) * rstd;
    ${hasW ? 'v = v * ld_w(j);' : ''}
    ${hasB ? 'v = v + ld_b(j);' : ''}
    st_out(o + j, v);
  }`,
  };
}

function backward(hasW: boolean): RowKernel {
  const gh = hasW ? 'ld_g(gb + j) * ld_w(j)' : 'ld_g(gb + j)';
  return {
    key: `layer_norm_rows_backward_${+hasW}`,
    buffers: [
      { name: 'x', type: 'f32', access: 'read' },
      ...(hasW ? [{ name: 'w', type: 'f32' as const, access: 'read' as const }] : []),
      { name: 'g', type: 'f32', access: 'read' }, { name: 'mean', type: 'f32', access: 'read' }, { name: 'rstd', type: 'f32', access: 'read' },
      { name: 'dx', type: 'f32', access: 'write' },
    ],
    params: [['xOff', 'u32'], ['gOff', 'u32'], ['n', 'u32']],
    body: `
  let n = select(0u, P.n, valid);
  let r = min(row, P.rows - 1u);
  let mean = ld_mean(r);
  let rstd = ld_rstd(r);
  let xb = P.xOff + row * P.n;
  let gb = P.gOff + row * P.n;
  var s1 = 0.0;
  var s2 = 0.0;
  for (var j = lx; j < n; j = j + T) {
    let gh = ${gh};
    s1 = s1 + gh;
    s2 = s2 + gh * (ld_x(xb + j) - mean) * rstd;
  }
  let m1 = teamSum(s1, li, lx) / f32(P.n);
  let m2 = teamSum(s2, li, lx) / f32(P.n);
  let o = row * P.n;
  for (var j = lx; j < n; j = j + T) {
    let xh = (ld_x(xb + j) - mean) * rstd;
    st_dx(o + j, rstd * (${gh} - m1 - xh * m2));
  }`,
  };
}

const COLS = 32, SPLIT = 8, BLOCK_ROWS = 256;

/** Partial dw and/or db (blocks, n) over blocks of BLOCK_ROWS rows. */
function paramGrads(wantW: boolean, wantB: boolean): KernelSpec {
  const outs = [...(wantW ? ['dw'] : []), ...(wantB ? ['db'] : [])];
  return {
    key: `layer_norm_param_grads_${+wantW}${+wantB}`,
    buffers: [
      ...(wantW ? [{ name: 'x', type: 'f32' as const, access: 'read' as const }] : []),
      { name: 'g', type: 'f32', access: 'read' },
      ...(wantW ? [{ name: 'mean', type: 'f32' as const, access: 'read' as const }, { name: 'rstd', type: 'f32' as const, access: 'read' as const }] : []),
      ...outs.map((name) => ({ name, type: 'f32' as const, access: 'write' as const })),
    ],
    params: [['xOff', 'u32'], ['gOff', 'u32'], ['rows', 'u32'], ['n', 'u32'], ['blocks', 'u32']],
    workgroup: [COLS, SPLIT, 1],
    module: () => outs.map((o) => `var<workgroup> sh_${o}: array<f32, ${COLS * SPLIT}>;`).join('\n'),
    body: () => `
  let nx = (P.n + ${COLS - 1}u) / ${COLS}u;
  if (group >= nx * P.blocks) { return; }
  let block = group / nx;
  let col = (group % nx) * ${COLS}u + lid.x;
  let valid = col < P.n;
  let r0 = block * ${BLOCK_ROWS}u;
  let r1 = select(r0, min(P.rows, r0 + ${BLOCK_ROWS}u), valid);
  var aw = 0.0;
  var ab = 0.0;
  for (var r = r0 + lid.y; r < r1; r = r + ${SPLIT}u) {
    let g = ld_g(P.gOff + r * P.n + col);
    ${wantW ? 'aw = aw + g * (ld_x(P.xOff + r * P.n + col) - ld_mean(r)) * ld_rstd(r);' : ''}
    ${wantB ? 'ab = ab + g;' : ''}
  }
  ${wantW ? 'sh_dw[li] = aw;' : ''}
  ${wantB ? 'sh_db[li] = ab;' : ''}
  workgroupBarrier();
  for (var w = ${SPLIT / 2}u; w > 0u; w = w >> 1u) {
    if (lid.y < w) {
      ${wantW ? `sh_dw[li] = sh_dw[li] + sh_dw[li + w * ${COLS}u];` : ''}
      ${wantB ? `sh_db[li] = sh_db[li] + sh_db[li + w * ${COLS}u];` : ''}
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && valid) {
    ${wantW ? 'st_dw(block * P.n + col, sh_dw[li]);' : ''}
    ${wantB ? 'st_db(block * P.n + col, sh_db[li]);' : ''}
  }`,
  };
}

export function layerNormRows(r: Runner, x: GpuStorage, xOffset: number, rows: number, n: number, w: GpuStorage | null, b: GpuStorage | null, eps: number,
  out: GpuStorage, mean: GpuStorage, rstd: GpuStorage): void {
  const bufs = [x, ...(w ? [w] : []), ...(b ? [b] : []), out, mean, rstd];
  runRows(r, forward(w !== null, b !== null), rows, n, bufs, [xOffset, n, eps]);
}

export function layerNormRowsBackward(r: Runner, x: GpuStorage, xOffset: number, w: GpuStorage | null, g: GpuStorage, gOffset: number,
  mean: GpuStorage, rstd: GpuStorage, rows: number, n: number, dx: GpuStorage, dw: GpuStorage | null, db: GpuStorage | null): void {
  if (rows === 0 || n === 0) return;
  runRows(r, backward(w !== null), rows, n, [x, ...(w ? [w] : []), g, mean, rstd, dx], [xOffset, gOffset, n]);
  if (!dw && !db) return;
  const blocks = Math.ceil(rows / BLOCK_ROWS);
  // one block: the sums go straight to dw / db; else to partial sums reduced over the blocks after
  const parts = [dw, db].map((o) => o && (blocks === 1 ? o : r.temp(blocks * n, 'float32')));
  const [pw, pb] = parts;
  const bufs = [...(pw ? [x] : []), g, ...(pw ? [mean, rstd, pw] : []), ...(pb ? [pb] : [])];
  r.run(paramGrads(pw !== null, pb !== null), bufs, [xOffset, gOffset, rows, n, blocks], Math.ceil(n / COLS) * blocks);
  if (blocks === 1) return;
  [dw, db].forEach((o, i) => {
    const p = parts[i];
    if (!o || !p) return;
    reduce(r, 'sum', p, 0, 1, blocks, n, o);
    r.release(p);
  });
}
