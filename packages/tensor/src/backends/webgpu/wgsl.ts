// WGSL helpers shared by every kernel. They reproduce the CPU backend's JavaScript semantics
// where WGSL leaves a result implementation-defined (NaN, ±Infinity, float → int conversion,
// pow of negative bases), so the two backends agree beyond the easy cases.
// NaN/Infinity come from `var<private>` bit patterns: WGSL rejects non-finite constant expressions.
import type { DType } from '../../dtype.js';

export type Scalar = 'f32' | 'i32' | 'u32';

export const wgslType = (dtype: DType): 'f32' | 'i32' => (dtype === 'float32' ? 'f32' : 'i32');

export const WGSL_COMMON = /* wgsl */ `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nanF() -> f32 { return bitcast<f32>(NAN_BITS); }
fn infF() -> f32 { return bitcast<f32>(INF_BITS); }
// bit tests survive a driver's fast-math, unlike v != v
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
fn signBit(v: f32) -> bool { return (bitcast<u32>(v) & 0x80000000u) != 0u; }

// JavaScript's ToInt32 (what an Int32Array store does): truncate, wrap modulo 2^32; NaN, ±Inf → 0
fn toI32(v: f32) -> i32 {
  if (isNan(v) || isInf(v)) { return 0; }
  if (abs(v) < 2147483648.0) { return i32(v); }
  let t = trunc(v);
  let m = t - floor(t / 4294967296.0) * 4294967296.0;
  if (m >= 2147483648.0) { return i32(m - 4294967296.0); }
  return i32(m);
}

fn tanhF(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  return tanh(clamp(x, -15.0, 15.0)); // tanh(±15) is ±1 in f32; some drivers overflow beyond
}
fn expF(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  if (x > 88.72284) { return infF(); } // ln(FLT_MAX)
  if (x < -104.0) { return 0.0; }
  return exp(x);
}
fn logF(x: f32) -> f32 {
  if (x == 0.0) { return -infF(); }
  if (x < 0.0 || isNan(x)) { return nanF(); }
  if (isInf(x)) { return x; }
  return log(x);
}
fn sqrtF(x: f32) -> f32 {
  if (x < 0.0 || isNan(x)) { return nanF(); }
  return sqrt(x);
}
// GELU (tanh approximation) as x·σ(2u), 2u = x·(K + K·A·x²), K = 2√(2/π), A = 0.044715: the same
// value as 0.5x(1 + tanh u) without its cancellation where tanh u ≈ −1 (the ops' composed form too)
const GELU_K: f32 = 1.5957691216057308;
const GELU_KA: f32 = 0.07135481627260025;
fn geluSigmoid(v: f32) -> f32 { return 1.0 / (1.0 + expF(-v * (GELU_K + GELU_KA * v * v))); }
fn geluF(v: f32) -> f32 { return v * geluSigmoid(v); }
// gelu′ = s·(1 + (x − x·s)·2u′), 2u′ = K + 3K·A·x²; 1 or 0 to float32 beyond |x| = 10, where x³ could overflow
fn geluGradF(v: f32) -> f32 {
  if (!isNan(v) && abs(v) > 10.0) { return select(0.0, 1.0, v > 0.0); }
  let s = geluSigmoid(v);
  return s * (1.0 + (v - v * s) * (GELU_K + 3.0 * GELU_KA * v * v));
}
fn signF(v: f32) -> f32 { return select(select(v, -1.0, v < 0.0), 1.0, v > 0.0); }

// Math.pow: negative bases with integer exponents, zeros, infinities and NaN as in JavaScript
fn powF(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return nanF(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 3.0) { return a * a * a; }
  if (b == -1.0) { return 1.0 / a; }
  let ax = abs(a);
  var r: f32;
  if (ax == 0.0) { r = select(infF(), 0.0, b > 0.0); }
  else if (isInf(ax)) { r = select(0.0, infF(), b > 0.0); }
  else if (b == 0.5) { r = sqrt(ax); }
  else { r = exp2(b * log2(ax)); }
  if (signBit(a) && !isInf(b)) {
    let isInt = trunc(b) == b;
    if (!isInt) { return select(nanF(), r, ax == 0.0 || isInf(ax)); }
    let odd = abs(b) < 16777216.0 && (b - 2.0 * floor(b * 0.5)) == 1.0;
    if (odd) { return -r; }
  }
  return r;
}
`;

/** WGSL literal for a number of the given scalar type. */
export function literal(v: number, t: Scalar): string {
  if (t === 'f32') return Number.isInteger(v) ? `${v}.0` : `${v}`;
  return t === 'u32' ? `${v >>> 0}u` : `${v | 0}i`;
}
