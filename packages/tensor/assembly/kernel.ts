// The 4x8 register-blocked micro-kernel: C (4, 8) (+)= Ap (kc, 4)^T-panel @ Bp (kc, 8)-panel.
// Eight f32x4 accumulators + two B vectors + one broadcast A value fit V8's x64 SIMD registers
// without spilling; wider tiles (5x8, 6x8, 4x12) spilled and ran 2-3x slower when measured.
// RELAXED is a compile-time constant (`asc --use RELAXED=0|1`): one build uses the relaxed-SIMD
// fused multiply-add, the other plain mul + add for engines without relaxed SIMD.

export const MR = 4;
export const NR = 8;

// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  // @ts-ignore: RELAXED comes from `asc --use`
  return RELAXED ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

// How a tile is written to C: overwrite or add (BETA), negated or not (NEG), with a bias row added
// (BIAS, the first block of k only), and, for Strassen's products (./strassen.ts), a second
// destination whose bits are the first one's shifted left by 3.
export const NEG1 = 1, BETA1 = 2, TWO = 4, NEG2 = 8, BETA2 = 16, BIAS1 = 32, BIAS2 = 256;

/**
 * ap: packed A micro-panel (kc, MR); bp: packed B micro-panel (kc, NR); c: top-left of the
 * (MR, NR) output tile, rows ldc bytes apart; c2 the second destination when mode has TWO;
 * bias / bias2 the NR bias values of each destination's columns (read with BIAS1 / BIAS2).
 * (Not unrolled over k: measured, unrolling by 2 or 4 made V8 spill and lose ~40%.)
 */
export function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, mode: i32, c2: usize, bias: usize, bias2: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += MR * 4;
    bp += NR * 4;
  }
  storeTile(c, ldc, mode, bias, c00, c01, c10, c11, c20, c21, c30, c31);
  if (mode & TWO) storeTile(c2, ldc, mode >> 3, bias2, c00, c01, c10, c11, c20, c21, c30, c31);
}

// @ts-ignore: decorator
@inline function storeTile(c: usize, ldc: usize, mode: i32, bias: usize, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  const neg = (mode & NEG1) != 0, beta = (mode & BETA1) != 0;
  if (mode & BIAS1) {
    // x + bias, as the plain JS kernel adds it (only ever on a first, overwriting block)
    const b0 = v128.load(bias), b1 = v128.load(bias, 16);
    c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1); c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
    c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1); c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
  }
  storeRow(c, c00, c01, neg, beta); c += ldc;
  storeRow(c, c10, c11, neg, beta); c += ldc;
  storeRow(c, c20, c21, neg, beta); c += ldc;
  storeRow(c, c30, c31, neg, beta);
}

// C row (8 floats) = or += or -= (x0, x1); an overwrite with neg stores -x.
// @ts-ignore: decorator
@inline function storeRow(c: usize, x0: v128, x1: v128, neg: bool, beta: bool): void {
  if (beta) {
    x0 = neg ? f32x4.sub(v128.load(c), x0) : f32x4.add(x0, v128.load(c));
    x1 = neg ? f32x4.sub(v128.load(c, 16), x1) : f32x4.add(x1, v128.load(c, 16));
  } else if (neg) {
    x0 = f32x4.neg(x0);
    x1 = f32x4.neg(x1);
  }
  v128.store(c, x0);
  v128.store(c, x1, 16);
}

/** Writes the valid (mr, nr) corner of a full (MR, NR) tile (rows NR floats apart) into C, as mode's NEG1, BETA1 and BIAS1 say. */
export function storeEdge(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32, mode: i32, bias: usize): void {
  const neg = (mode & NEG1) != 0, beta = (mode & BETA1) != 0, biased = (mode & BIAS1) != 0;
  for (let r = 0; r < mr; r++) {
    const src = tile + <usize>(r * NR * 4), dst = c + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const off = <usize>(j * 4);
      let v = load<f32>(src + off);
      if (biased) v += load<f32>(bias + off);
      if (neg) v = -v;
      store<f32>(dst + off, beta ? load<f32>(dst + off) + v : v);
    }
  }
}
