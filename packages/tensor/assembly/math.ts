// Vectorised float32 transcendental functions, four lanes at a time (Cephes-style range reduction
// and minimax polynomials). Accuracy over all float32 inputs is measured by test/wasm-math.test.ts
// and documented in the README; the special values follow IEEE: exp(-inf) = 0, exp(+inf) = inf,
// NaN in → NaN out, results that underflow come out as denormals, then 0.
import { madd } from './kernel';

// @ts-ignore: decorator
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** e^x: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^n applied in two halves so denormal results stay exact. */
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  // pmin/pmax keep a NaN x (the comparison with it is false); the bounds put every x into n ∈ [-150, 128]
  x = f32x4.pmax(f32x4.pmin(x, splat(89.0)), splat(-104.0));
  const n = f32x4.nearest(f32x4.mul(x, splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1), n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23), s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/**
 * ln x: x = m·2^e with m in [√½, √2), ln m = t − t²/2 + t³·P(t) with t = m − 1 (Cephes logf's degree-8
 * minimax P), e·ln2 added in two parts. Denormal x is first scaled by 2^23. ln(±0) = −inf, ln(+inf) = inf,
 * ln of a negative number or NaN = NaN.
 */
// @ts-ignore: decorator
@inline export function logV(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.17549435e-38)); // denormals (and ≤ 0, fixed at the end)
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.sub(i32x4.splat(126), v128.and(tiny, i32x4.splat(-23))));
  const m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // in [0.5, 1)
  const low = f32x4.lt(m, splat(0.707106781186547524));
  e = i32x4.add(e, low); // the mask is −1: m doubled below, e one less
  const t = f32x4.add(f32x4.sub(m, splat(1)), v128.and(m, low)); // m − 1 or 2m − 1, both exact
  const z = f32x4.mul(t, t);
  let p = splat(7.0376836292e-2);
  p = madd(p, t, splat(-1.1514610310e-1));
  p = madd(p, t, splat(1.1676998740e-1));
  p = madd(p, t, splat(-1.2420140846e-1));
  p = madd(p, t, splat(1.4249322787e-1));
  p = madd(p, t, splat(-1.6668057665e-1));
  p = madd(p, t, splat(2.0000714765e-1));
  p = madd(p, t, splat(-2.4999993993e-1));
  p = madd(p, t, splat(3.3333331174e-1));
  const ef = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, t), z);
  y = madd(ef, splat(-2.12194440e-4), y);
  y = madd(z, splat(-0.5), y);
  const r = madd(ef, splat(0.693359375), f32x4.add(t, y));
  const special = v128.bitselect(splat(-Infinity), v128.or(x, i32x4.splat(0x7fc00000)), f32x4.eq(x, splat(0))); // 0 → −inf, else NaN (or +inf: x | NaN bits)
  const finite = v128.and(f32x4.gt(x, splat(0)), f32x4.lt(x, splat(Infinity)));
  return v128.bitselect(r, v128.bitselect(x, special, f32x4.eq(x, splat(Infinity))), finite);
}

/** tanh: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) with x's sign above. */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = madd(p, z, splat(2.06390887954e-2));
  p = madd(p, z, splat(-5.37397155531e-2));
  p = madd(p, z, splat(1.33314422036e-1));
  p = madd(p, z, splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), x, x);
  const e = expV(f32x4.add(ax, ax));
  const big = v128.or(f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1)))), v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, big, f32x4.lt(ax, splat(0.625)));
}

/** σ(x) = 1/(1 + e^−x), as e^x/(1 + e^x) for negative x, so tiny results keep their precision instead of 1/inf = 0. */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), e));
  return v128.bitselect(f32x4.mul(e, s), s, f32x4.lt(x, splat(0)));
}

const K0: f32 = 0.7978845608028654; // √(2/π)
const K1: f32 = 0.044715;

/** GELU, tanh form, as 0.5x(1 + tanh u) = x·σ(2u) with u = √(2/π)(x + 0.044715x³): no cancellation for negative x. */
// @ts-ignore: decorator
@inline export function geluV(x: v128): v128 {
  const twoU = f32x4.mul(f32x4.mul(x, splat(2 * K0)), madd(f32x4.mul(x, x), splat(K1), splat(1)));
  return f32x4.mul(x, sigmoidV(twoU));
}

/** d gelu / dx = s + 2x·s(1 − s)·u′ with s = σ(2u); beyond |x| = 10 it is 1 or 0 to float precision, so x is clamped there (x³ would overflow). */
// @ts-ignore: decorator
@inline export function geluGradV(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, splat(10)), splat(-10));
  const x2 = f32x4.mul(x, x);
  const twoU = f32x4.mul(f32x4.mul(x, splat(2 * K0)), madd(x2, splat(K1), splat(1)));
  const e = expV(f32x4.neg(twoU));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), e));
  const du = madd(x2, splat(3 * K1 * K0), splat(K0)); // u′
  // s(1 − s) = e·s²
  return madd(f32x4.mul(f32x4.mul(e, f32x4.mul(s, s)), f32x4.add(x, x)), du, s);
}

/** Sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Max of the four lanes (NaN if any lane is NaN). */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}
