// Reductions of a contiguous (outer, size, inner) block over its middle axis:
//  - a short axis (<= 16): a thread per output, no workgroup memory;
//  - inner == 1 (rows: softmax, layer norm, a full sum): a team of 32 threads per row, 8 rows per
//    workgroup (256 threads per row for rows of 1024+), a tree in workgroup memory; few long rows are
//    cut into segments first and their partial results reduced by a second pass;
//  - inner > 1 (columns): a workgroup per 32 columns, 8 threads splitting each column.
// max/min/argmax/argmin follow the CPU: NaN wins, and among equal values the lowest index.
import type { ReduceOp } from '../../../backend.js';
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import { type Scalar, wgslType } from '../wgsl.js';

const ROW_WG = 256;
const COL_X = 32, COL_Y = 8;
/** Axes this short are reduced by one thread per output. */
const SERIAL = 16;
/** Rows longer than this, when there are few of them, are reduced in segments first. */
const SEGMENT = 4096;

type Mode = 'value' | 'index' | 'both';

function isExtreme(op: ReduceOp): boolean {
  return op !== 'sum';
}

/** WGSL: init values, a `better` function and the fold statements for op over type t. */
function ops(op: ReduceOp, t: Scalar) {
  const hi = op === 'max' || op === 'argmax';
  const cmp = hi ? '>' : '<';
  const sentinel = t === 'f32' ? (hi ? '-infF()' : 'infF()') : hi ? 'i32(-2147483647 - 1)' : '2147483647i';
  const nanRule = t === 'f32' ? '  let nv = isNan(v);\n  let nb = isNan(b);\n  if (nv || nb) { return nv && (!nb || vi < bi); }\n' : '';
  const better = `fn better(v: ${t}, vi: u32, b: ${t}, bi: u32) -> bool {\n${nanRule}  return v ${cmp} b || (v == b && vi < bi);\n}`;
  return {
    init: isExtreme(op) ? sentinel : t === 'f32' ? '0.0' : '0i',
    module: isExtreme(op) ? better : '',
    /** acc/ai ← fold(acc/ai, v/vi) */
    fold: isExtreme(op) ? 'if (better(v, vi, acc, ai)) { acc = v; ai = vi; }' : 'acc = acc + v;',
    /** shared slot a ← fold(a, b) */
    foldShared: (a: string, b: string) =>
      isExtreme(op) ? `if (better(sv[${b}], si[${b}], sv[${a}], si[${a}])) { sv[${a}] = sv[${b}]; si[${a}] = si[${b}]; }` : `sv[${a}] = sv[${a}] + sv[${b}];`,
  };
}

function shared(t: Scalar, n: number, extra: string): string {
  return `var<workgroup> sv: array<${t}, ${n}>;\nvar<workgroup> si: array<u32, ${n}>;\n${extra}`;
}

/**
 * `tpr` threads per (row, segment) unit, 256 / tpr units per workgroup: unit = row * parts + segment.
 * Optionally the element indices come from `xi` (the second pass over partial results).
 */
function rowSpec(op: ReduceOp, t: Scalar, mode: Mode, indexed: boolean, tpr: number): KernelSpec {
  const o = ops(op, t);
  const buffers: KernelSpec['buffers'] = [
    { name: 'x', type: t, access: 'read' },
    ...(indexed ? [{ name: 'xi', type: 'u32' as const, access: 'read' as const }] : []),
    ...(mode !== 'index' ? [{ name: 'out', type: t, access: 'write' as const }] : []),
    ...(mode !== 'value' ? [{ name: 'outi', type: 'u32' as const, access: 'write' as const }] : []),
  ];
  return {
    key: `reduce_row_${op}_${t}_${mode}_${indexed ? 'i' : 'd'}_${tpr}`,
    buffers,
    params: [['off', 'u32'], ['size', 'u32'], ['seg', 'u32'], ['parts', 'u32'], ['rows', 'u32']],
    workgroup: [tpr, ROW_WG / tpr, 1],
    module: () => shared(t, ROW_WG, o.module),
    body: () => `
  let units = P.rows * P.parts;
  if (group * ${ROW_WG / tpr}u >= units) { return; }
  let unit = group * ${ROW_WG / tpr}u + lid.y;
  let valid = unit < units;
  let row = unit / P.parts;
  let start = (unit % P.parts) * P.seg;
  let end = select(start, min(P.size, start + P.seg), valid);
  let base = P.off + row * P.size;
  var acc: ${t} = ${o.init};
  var ai = 0xffffffffu;
  for (var s = start + lid.x; s < end; s = s + ${tpr}u) {
    let v = ld_x(base + s);
    let vi = ${indexed ? 'ld_xi(base + s)' : 's'};
    ${o.fold}
  }
  sv[li] = acc;
  si[li] = ai;
  workgroupBarrier();
  for (var w = ${tpr / 2}u; w > 0u; w = w >> 1u) {
    if (lid.x < w) { ${o.foldShared('li', 'li + w')} }
    workgroupBarrier();
  }
  if (lid.x == 0u && valid) {
    ${mode !== 'index' ? 'st_out(unit, sv[li]);' : ''}
    ${mode !== 'value' ? 'st_outi(unit, si[li]);' : ''}
  }`,
  };
}

function columnSpec(op: ReduceOp, t: Scalar, mode: 'value' | 'index'): KernelSpec {
  const o = ops(op, t);
  return {
    key: `reduce_col_${op}_${t}_${mode}`,
    buffers: [
      { name: 'x', type: t, access: 'read' },
      { name: 'out', type: mode === 'value' ? t : 'u32', access: 'write' },
    ],
    params: [['off', 'u32'], ['outer', 'u32'], ['size', 'u32'], ['inner', 'u32']],
    workgroup: [COL_X, COL_Y, 1],
    module: () => shared(t, COL_X * COL_Y, o.module),
    body: () => `
  let nx = (P.inner + ${COL_X - 1}u) / ${COL_X}u;
  let o = group / nx;
  if (o >= P.outer) { return; }
  let ix = (group % nx) * ${COL_X}u + lid.x;
  let valid = ix < P.inner;
  let base = P.off + o * P.size * P.inner + ix;
  var acc: ${t} = ${o.init};
  var ai = 0xffffffffu;
  if (valid) {
    for (var s = lid.y; s < P.size; s = s + ${COL_Y}u) {
      let v = ld_x(base + s * P.inner);
      let vi = s;
      ${o.fold}
    }
  }
  sv[li] = acc;
  si[li] = ai;
  workgroupBarrier();
  for (var w = ${COL_Y / 2}u; w > 0u; w = w >> 1u) {
    if (lid.y < w) { ${o.foldShared('li', `li + w * ${COL_X}u`)} }
    workgroupBarrier();
  }
  if (lid.y == 0u && valid) { st_out(o * P.inner + ix, ${mode === 'value' ? 'sv[li]' : 'si[li]'}); }`,
  };
}

/** A thread per output, looping over the (short) reduced axis: no workgroup memory, no barriers. */
function serialSpec(op: ReduceOp, t: Scalar, mode: 'value' | 'index'): KernelSpec {
  const o = ops(op, t);
  return {
    key: `reduce_serial_${op}_${t}_${mode}`,
    buffers: [
      { name: 'x', type: t, access: 'read' },
      { name: 'out', type: mode === 'value' ? t : 'u32', access: 'write' },
    ],
    params: [['off', 'u32'], ['outer', 'u32'], ['size', 'u32'], ['inner', 'u32']],
    workgroup: [ROW_WG, 1, 1],
    module: () => o.module,
    body: () => `
  let t = group * ${ROW_WG}u + li;
  if (t >= P.outer * P.inner) { return; }
  let base = P.off + (t / P.inner) * P.size * P.inner + t % P.inner;
  var acc: ${t} = ${o.init};
  var ai = 0xffffffffu;
  for (var s = 0u; s < P.size; s = s + 1u) {
    let v = ld_x(base + s * P.inner);
    let vi = s;
    ${o.fold}
  }
  st_out(t, ${mode === 'value' ? 'acc' : 'ai'});`,
  };
}

export function reduce(r: Runner, op: ReduceOp, x: GpuStorage, xOffset: number, outer: number, size: number, inner: number, out: GpuStorage): void {
  if (outer * inner === 0) return;
  const t = wgslType(x.dtype);
  const arg = op === 'argmax' || op === 'argmin';
  const mode = arg ? 'index' : 'value';
  if (size <= SERIAL) {
    r.run(serialSpec(op, t, mode), [x, out], [xOffset, outer, size, inner], Math.ceil((outer * inner) / ROW_WG));
    return;
  }
  if (inner > 1) {
    r.run(columnSpec(op, t, mode), [x, out], [xOffset, outer, size, inner], Math.ceil(inner / COL_X) * outer);
    return;
  }
  if (outer >= 64 || size <= 2 * SEGMENT) {
    // short rows: a warp-sized team per row and several rows per workgroup (fewer workgroups and barriers)
    const tpr = size >= 1024 ? ROW_WG : 32;
    r.run(rowSpec(op, t, mode, false, tpr), [x, out], [xOffset, size, size, 1, outer], Math.ceil((outer * tpr) / ROW_WG));
    return;
  }
  // few long rows: partial results per segment (values and, for the extremes, their indices), then one pass over them
  const parts = Math.min(ROW_WG, Math.ceil(size / SEGMENT));
  const seg = Math.ceil(size / parts);
  const partial = r.temp(outer * parts, x.dtype);
  const partialIdx = isExtreme(op) ? r.temp(outer * parts, 'int32') : null;
  r.run(rowSpec(op, t, partialIdx ? 'both' : 'value', false, ROW_WG), partialIdx ? [x, partial, partialIdx] : [x, partial], [xOffset, size, seg, parts, outer], outer * parts);
  r.run(rowSpec(op, t, mode, partialIdx !== null, ROW_WG), partialIdx ? [partial, partialIdx, out] : [partial, out], [0, parts, parts, 1, outer], outer);
  r.release(partial);
  if (partialIdx) r.release(partialIdx);
}
