// Elementwise kernels: copy, fill, unary, binary, where. Each op is one WGSL expression; the
// selection ops (copy, fill, where) move raw 32-bit words, so one kernel serves both dtypes.
import type { BinaryOp, UnaryOp, View } from '../../../backend.js';
import { isContiguous } from '../../../shape.js';
import type { GpuStorage, Runner } from '../storage.js';
import { type Scalar, wgslType } from '../wgsl.js';
import { runStrided } from './strided.js';

const gpu = (v: View) => v.storage as GpuStorage;

/** Converts a WGSL expression of type `from` to `to` with JavaScript's typed-array semantics. */
function convert(expr: string, from: Scalar, to: Scalar): string {
  if (from === to) return expr;
  return to === 'i32' ? `toI32(${expr})` : `f32(${expr})`;
}

const FLOAT_UNARY: Record<Exclude<UnaryOp, 'cast'>, (f: string) => string> = {
  neg: (f) => `-${f}`,
  exp: (f) => `expF(${f})`,
  log: (f) => `logF(${f})`,
  sqrt: (f) => `sqrtF(${f})`,
  rsqrt: (f) => `1.0 / sqrtF(${f})`,
  tanh: (f) => `tanhF(${f})`,
  relu: (f) => `select(0.0, ${f}, ${f} > 0.0)`,
  sigmoid: (f) => `1.0 / (1.0 + expF(-${f}))`,
  abs: (f) => `abs(${f})`,
  sign: (f) => `signF(${f})`,
};
// on int32 these stay in integers (JavaScript's results after the Int32Array store)
const INT_UNARY: Partial<Record<UnaryOp, (v: string) => string>> = {
  neg: (v) => `-${v}`,
  abs: (v) => `abs(${v})`,
  sign: (v) => `sign(${v})`,
  relu: (v) => `max(${v}, 0i)`,
};

function unaryExpr(op: UnaryOp, xt: Scalar, ot: Scalar): string {
  if (op === 'cast') return convert('v', xt, ot);
  const int = xt === 'i32' ? INT_UNARY[op] : undefined;
  if (int) return convert(int('v'), 'i32', ot);
  const f = FLOAT_UNARY[op];
  if (!f) throw new Error(`webgpu unary: unknown op '${op as string}'`);
  return convert(f(xt === 'f32' ? 'v' : 'f32(v)'), 'f32', ot);
}

export function unary(r: Runner, op: UnaryOp, x: View, out: GpuStorage): void {
  const xt = wgslType(x.dtype), ot = wgslType(out.dtype);
  runStrided(r, `unary_${op}_${xt}_${ot}`, x.shape, [
    { name: 'x', type: xt, access: 'read', storage: gpu(x), view: x },
    { name: 'out', type: ot, access: 'write', storage: out },
  ], (ix) => `let v = ld_x(${ix.x});\n  st_out(i, ${unaryExpr(op, xt, ot)});`);
}

// comparisons are false on NaN, as in JavaScript, without trusting the driver's NaN handling
const notNan = '!isNan(a) && !isNan(b)';
const FLOAT_BINARY: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'powF(a, b)',
  maximum: 'select(b, a, a > b || isNan(a))',
  minimum: 'select(b, a, a < b || isNan(a))',
  eq: `select(0.0, 1.0, a == b && ${notNan})`,
  ne: `select(1.0, 0.0, a == b && ${notNan})`,
  lt: `select(0.0, 1.0, a < b && ${notNan})`,
  le: `select(0.0, 1.0, a <= b && ${notNan})`,
  gt: `select(0.0, 1.0, a > b && ${notNan})`,
  ge: `select(0.0, 1.0, a >= b && ${notNan})`,
};
const INT_BINARY: Record<BinaryOp, [string, Scalar]> = {
  add: ['a + b', 'i32'], sub: ['a - b', 'i32'], mul: ['a * b', 'i32'],
  div: ['select(0i, a / b, b != 0i)', 'i32'], // x/0 → ±Infinity → 0 in an Int32Array
  pow: ['powF(f32(a), f32(b))', 'f32'],
  maximum: ['max(a, b)', 'i32'], minimum: ['min(a, b)', 'i32'],
  eq: ['select(0.0, 1.0, a == b)', 'f32'], ne: ['select(0.0, 1.0, a != b)', 'f32'],
  lt: ['select(0.0, 1.0, a < b)', 'f32'], le: ['select(0.0, 1.0, a <= b)', 'f32'],
  gt: ['select(0.0, 1.0, a > b)', 'f32'], ge: ['select(0.0, 1.0, a >= b)', 'f32'],
};

// GELU is not a unary primitive (ops compose it); these are the backend's optional fused kernels
// over n contiguous elements from an offset (wgsl.ts has the formulas).
export function gelu(r: Runner, x: GpuStorage, xOffset: number, n: number, out: GpuStorage): void {
  runStrided(r, 'gelu', [n], [
    { name: 'x', type: 'f32', access: 'read', storage: x, view: { strides: [1], offset: xOffset } },
    { name: 'out', type: 'f32', access: 'write', storage: out },
  ], (ix) => `st_out(i, geluF(ld_x(${ix.x})));`);
}

export function geluBackward(r: Runner, x: GpuStorage, xOffset: number, g: GpuStorage, gOffset: number, n: number, dx: GpuStorage): void {
  runStrided(r, 'gelu_backward', [n], [
    { name: 'x', type: 'f32', access: 'read', storage: x, view: { strides: [1], offset: xOffset } },
    { name: 'g', type: 'f32', access: 'read', storage: g, view: { strides: [1], offset: gOffset } },
    { name: 'dx', type: 'f32', access: 'write', storage: dx },
  ], (ix) => `st_dx(i, ld_g(${ix.g}) * geluGradF(ld_x(${ix.x})));`);
}

export function binary(r: Runner, op: BinaryOp, a: View, b: View, out: GpuStorage): void {
  const t = wgslType(a.dtype), ot = wgslType(out.dtype);
  if (b.dtype !== a.dtype) throw new TypeError(`webgpu ${op}: dtypes differ (${a.dtype} and ${b.dtype})`);
  const [expr, rt] = t === 'f32' ? [FLOAT_BINARY[op], 'f32' as const] : INT_BINARY[op];
  if (!expr) throw new Error(`webgpu binary: unknown op '${op as string}'`);
  runStrided(r, `binary_${op}_${t}_${ot}`, a.shape, [
    { name: 'a', type: t, access: 'read', storage: gpu(a), view: a },
    { name: 'b', type: t, access: 'read', storage: gpu(b), view: b },
    { name: 'out', type: ot, access: 'write', storage: out },
  ], (ix) => `let a = ld_a(${ix.a});\n  let b = ld_b(${ix.b});\n  st_out(i, ${convert(expr, rt, ot)});`);
}

export function where(r: Runner, cond: View, a: View, b: View, out: GpuStorage): void {
  // a float condition is true for anything but ±0 (NaN included), an int one for non-zero
  const test = cond.dtype === 'float32' ? '(c & 0x7fffffffu) != 0u' : 'c != 0u';
  runStrided(r, `where_${cond.dtype}`, a.shape, [
    { name: 'cond', type: 'u32', access: 'read', storage: gpu(cond), view: cond },
    { name: 'a', type: 'u32', access: 'read', storage: gpu(a), view: a },
    { name: 'b', type: 'u32', access: 'read', storage: gpu(b), view: b },
    { name: 'out', type: 'u32', access: 'write', storage: out },
  ], (ix) => `let c = ld_cond(${ix.cond});\n  st_out(i, select(ld_b(${ix.b}), ld_a(${ix.a}), ${test}));`);
}

/** Does the view cover its whole storage, in order? Then a kernel writing it overwrites everything. */
function coversStorage(v: View): boolean {
  let n = 1;
  for (const d of v.shape) n *= d;
  return v.offset === 0 && n === v.storage.size && isContiguous(v.shape, v.strides);
}

export function copy(r: Runner, src: View, dst: View): void {
  if (src.dtype !== dst.dtype) throw new TypeError(`webgpu copy: dtypes differ (${src.dtype} → ${dst.dtype})`);
  runStrided(r, 'copy', src.shape, [
    { name: 'src', type: 'u32', access: 'read', storage: gpu(src), view: src },
    { name: 'dst', type: 'u32', access: coversStorage(dst) ? 'write' : 'readwrite', storage: gpu(dst), view: dst },
  ], (ix) => `st_dst(${ix.dst}, ld_src(${ix.src}));`);
}

export function fill(r: Runner, dst: View, value: number): void {
  const bits = dst.dtype === 'float32' ? new Uint32Array(Float32Array.of(value).buffer)[0] : Int32Array.of(value)[0] >>> 0;
  runStrided(r, 'fill', dst.shape, [
    { name: 'dst', type: 'u32', access: coversStorage(dst) ? 'write' : 'readwrite', storage: gpu(dst), view: dst },
  ], (ix) => `st_dst(${ix.dst}, P.value);`, [['value', 'u32', bits]]);
}
