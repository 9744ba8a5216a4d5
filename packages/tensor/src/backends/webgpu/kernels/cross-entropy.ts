// Cross-entropy's two kernels over logits (rows, n), rows as long as a GPT-2 vocabulary (50,257):
//  - logSumExpRows: lse[r] = m + log Σ e^{x − m} with m the row max (a −∞ max taken as 0, NaN
//    winning, as the CPU and the composed op), a team of threads per row (rows.ts);
//  - softmaxScaledRows: out[r, j] = e^{x[r, j] − lse[r]} · scale[r], the gradient before the one-hot
//    is subtracted: no reduction, so one thread per element (lse and scale read with a 0 stride).
import type { GpuStorage, Runner } from '../storage.js';
import { type RowKernel, runRows } from './rows.js';
import { runStrided } from './strided.js';

const LOG_SUM_EXP: RowKernel = {
  key: 'log_sum_exp_rows',
  buffers: [{ name: 'x', type: 'f32', access: 'read' }, { name: 'lse', type: 'f32', access: 'write' }],
  params: [['xOff', 'u32'], ['n', 'u32']],
  body: `
  let n = select(0u, P.n, valid);
  let base = P.xOff + row * P.n;
  var m = -infF();
  for (var j = lx; j < n; j = j + T) { m = maxN(m, ld_x(base + j)); }
  m = teamMax(m, li, lx);
  if (isInf(m) && signBit(m)) { m = 0.0; }
  var s = 0.0;
  for (var j = lx; j < n; j = j + T) { s = s + expF(ld_x(base + j) - m); }
  s = teamSum(s, li, lx);
  if (valid && lx == 0u) { st_lse(row, m + logF(s)); }`,
};

export function logSumExpRows(r: Runner, x: GpuStorage, xOffset: number, rows: number, n: number, lse: GpuStorage): void {
  runRows(r, LOG_SUM_EXP, rows, n, [x, lse], [xOffset, n]);
}

export function softmaxScaledRows(r: Runner, x: GpuStorage, xOffset: number, lse: GpuStorage, scale: GpuStorage, rows: number, n: number, out: GpuStorage): void {
  const perRow = { strides: [1, 0], offset: 0 };
  runStrided(r, 'softmax_scaled_rows', [rows, n], [
    { name: 'x', type: 'f32', access: 'read', storage: x, view: { strides: [n, 1], offset: xOffset } },
    { name: 'lse', type: 'f32', access: 'read', storage: lse, view: perRow },
    { name: 's', type: 'f32', access: 'read', storage: scale, view: perRow },
    { name: 'out', type: 'f32', access: 'write', storage: out },
  ], (ix) => `st_out(i, expF(ld_x(${ix.x}) - ld_lse(${ix.lse})) * ld_s(${ix.s}));`);
}
