// Direct kernels for a few output rows (e.g. one token's activations @ a weight matrix during
// generation): no packing, since each B element is used by so few rows that packing B would
// cost as much as the product itself. Each row streams through B once.
import { madd } from './kernel';

/**
 * Row (1, k) of A at `ap` (elements `sp` bytes apart) times B, into C row `c` for cols [j0, j1).
 * B is (k, n) row-major, or (n, k) when transB.
 */
export function rowTimesB(ap: usize, sp: usize, b: usize, transB: bool, k: i32, n: i32, c: usize, j0: i32, j1: i32, beta: bool): void {
  if (transB) rowDotRows(ap, sp, b, k, c, j0, j1, beta);
  else rowAxpyRows(ap, sp, b, k, n, c, j0, j1, beta);
}

// B (k, n): C[j] = sum_p a[p] * B[p, j], 16 columns per pass held in registers.
function rowAxpyRows(ap: usize, sp: usize, b: usize, k: i32, n: i32, c: usize, j0: i32, j1: i32, beta: bool): void {
  const ldb = <usize>n * 4;
  let j = j0;
  for (; j + 16 <= j1; j += 16) {
    let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
    let bp = b + <usize>(j * 4), a = ap;
    for (let p = 0; p < k; p++) {
      const av = v128.load32_splat(a);
      x0 = madd(av, v128.load(bp), x0);
      x1 = madd(av, v128.load(bp, 16), x1);
      x2 = madd(av, v128.load(bp, 32), x2);
      x3 = madd(av, v128.load(bp, 48), x3);
      bp += ldb; a += sp;
    }
    const cp = c + <usize>(j * 4);
    storeVec(cp, x0, beta); storeVec(cp + 16, x1, beta); storeVec(cp + 32, x2, beta); storeVec(cp + 48, x3, beta);
  }
  for (; j + 4 <= j1; j += 4) {
    let x = f32x4.splat(0);
    let bp = b + <usize>(j * 4), a = ap;
    for (let p = 0; p < k; p++) {
      x = madd(v128.load32_splat(a), v128.load(bp), x);
      bp += ldb; a += sp;
    }
    storeVec(c + <usize>(j * 4), x, beta);
  }
  for (; j < j1; j++) {
    let s: f32 = 0;
    for (let p = 0; p < k; p++) s += load<f32>(ap + <usize>p * sp) * load<f32>(b + <usize>p * ldb + <usize>(j * 4));
    storeScalar(c + <usize>(j * 4), s, beta);
  }
}

// B stored (n, k): C[j] = dot(a, Bt[j, :]), four rows of Bt per pass.
function rowDotRows(ap: usize, sp: usize, b: usize, k: i32, c: usize, j0: i32, j1: i32, beta: bool): void {
  const ldb = <usize>k * 4;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const b0 = b + <usize>j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const av = loadA4(ap, sp, p), off = <usize>(p * 4);
      x0 = madd(av, v128.load(b0 + off), x0);
      x1 = madd(av, v128.load(b1 + off), x1);
      x2 = madd(av, v128.load(b2 + off), x2);
      x3 = madd(av, v128.load(b3 + off), x3);
    }
    let s0 = hsum(x0), s1 = hsum(x1), s2 = hsum(x2), s3 = hsum(x3);
    for (; p < k; p++) {
      const av = load<f32>(ap + <usize>p * sp), off = <usize>(p * 4);
      s0 += av * load<f32>(b0 + off); s1 += av * load<f32>(b1 + off);
      s2 += av * load<f32>(b2 + off); s3 += av * load<f32>(b3 + off);
    }
    const cp = c + <usize>(j * 4);
    storeScalar(cp, s0, beta); storeScalar(cp + 4, s1, beta); storeScalar(cp + 8, s2, beta); storeScalar(cp + 12, s3, beta);
  }
  for (; j < j1; j++) {
    const bj = b + <usize>j * ldb;
    let s: f32 = 0;
    for (let p = 0; p < k; p++) s += load<f32>(ap + <usize>p * sp) * load<f32>(bj + <usize>(p * 4));
    storeScalar(c + <usize>(j * 4), s, beta);
  }
}

// a[p .. p + 4) as a vector, gathering when A's row is strided (transA).
// @ts-ignore: decorator
@inline function loadA4(ap: usize, sp: usize, p: i32): v128 {
  if (sp == 4) return v128.load(ap + <usize>(p * 4));
  const s = ap + <usize>p * sp;
  return f32x4(load<f32>(s), load<f32>(s + sp), load<f32>(s + 2 * sp), load<f32>(s + 3 * sp));
}

// @ts-ignore: decorator
@inline function hsum(x: v128): f32 {
  return (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
}

// @ts-ignore: decorator
@inline function storeVec(c: usize, x: v128, beta: bool): void {
  v128.store(c, beta ? f32x4.add(v128.load(c), x) : x);
}

// @ts-ignore: decorator
@inline function storeScalar(c: usize, s: f32, beta: bool): void {
  store<f32>(c, beta ? load<f32>(c) + s : s);
}
