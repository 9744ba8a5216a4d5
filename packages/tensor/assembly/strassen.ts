// One level of Strassen's algorithm for large products: C (m, n) (+)= A (m, k) @ B (k, n) as seven
// half-size products instead of eight, each run by the blocked GEMM (./index.ts) with the sums of
// blocks formed while packing and each product added straight into the one or two blocks of C it
// feeds ("Strassen reloaded", Huang, Smith, Henry & van de Geijn, SC 2016): no temporaries, no
// extra passes over memory, 7/8 of the multiply-adds. With quadrants X11 X12 / X21 X22:
//   M1 = (A11 + A22)(B11 + B22)  -> C11 +, C22 +
//   M2 = (A21 + A22) B11         -> C21 +, C22 -
//   M3 = A11 (B12 - B22)         -> C12 +, C22 +
//   M4 = A22 (B21 - B11)         -> C11 +, C21 +
//   M5 = (A11 + A12) B22         -> C11 -, C12 +
//   M6 = (A21 - A11)(B11 + B12)  -> C22 +
//   M7 = (A12 - A22)(B21 + B22)  -> C11 +
// In that order each block of C is first written by a + term, which overwrites it (unless the job
// accumulates) and adds the bias row, if any. Each chunk is one tile of the (m/2, n/2) quadrant grid and runs all seven products
// for it, so threads never share a block of C. An odd last row or column of C is computed by
// the plain GEMM in chunks of its own; k must be even.
import { gemm, TRANS_A, TRANS_B } from './index';
import { BETA1, BIAS1, NEG1, TWO } from './kernel';

/**
 * Chunk `idx`: below `tiles`, tile (idx / tilesN, idx % tilesN) of the quadrant grid, tileM x tileN;
 * then the odd last column of C (when n is odd), then the odd last row (when m is odd).
 */
export function strassenChunk(a: usize, b: usize, c: usize, bias: usize, m: i32, k: i32, n: i32, flags: i32, accumulate: bool,
  idx: i32, tiles: i32, tilesN: i32, tileM: i32, tileN: i32, work: usize, mc: i32, kc: i32, nc: i32): void {
  const m2 = m >> 1, k2 = k >> 1, n2 = n >> 1;
  if (idx >= tiles) {
    const plain = (accumulate ? BETA1 : 0) | (bias ? BIAS1 : 0);
    if (idx == tiles && (n & 1)) gemm(a, 0, false, b, 0, false, c, 0, plain, bias, 0, m, k, n, flags, k, 0, 2 * m2, n - 1, n, work, mc, kc, nc);
    else gemm(a, 0, false, b, 0, false, c, 0, plain, bias, 0, m, k, n, flags, k, m - 1, m, 0, n, work, mc, kc, nc);
    return;
  }
  const i0 = (idx / tilesN) * tileM, j0 = (idx % tilesN) * tileN;
  const i1 = min(m2, i0 + tileM), j1 = min(n2, j0 + tileN);
  const transA = (flags & TRANS_A) != 0, transB = (flags & TRANS_B) != 0;
  // byte offsets of the quadrants' corners: down one half of the rows / across one half of the columns
  const aDown = <usize>m2 * (transA ? 4 : <usize>k * 4), aAcross = <usize>k2 * (transA ? <usize>m * 4 : 4);
  const bDown = <usize>k2 * (transB ? 4 : <usize>n * 4), bAcross = <usize>n2 * (transB ? <usize>k * 4 : 4);
  const cDown = <usize>m2 * <usize>n * 4, cAcross = <usize>n2 * 4;
  const A11 = a, A12 = a + aAcross, A21 = a + aDown, A22 = a + aDown + aAcross;
  const B11 = b, B12 = b + bAcross, B21 = b + bDown, B22 = b + bDown + bAcross;
  const C11 = c, C12 = c + cAcross, C21 = c + cDown, C22 = c + cDown + cAcross;
  const first = accumulate ? BETA1 : bias ? BIAS1 : 0, add = BETA1, sub = BETA1 | NEG1;
  const bias1 = bias, bias2 = bias ? bias + cAcross : 0; // the bias row of the left and the right half of C
  // each: gemm(A, A2, A2 subtracted, B, B2, B2 subtracted, C, C2, how each is written, their bias rows, ...)
  gemm(A11, A22, false, B11, B22, false, C11, C22, first | TWO | (first << 3), bias1, bias2, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M1
  gemm(A21, A22, false, B11, 0, false, C21, C22, first | TWO | (sub << 3), bias1, bias2, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M2
  gemm(A11, 0, false, B12, B22, true, C12, C22, first | TWO | (add << 3), bias2, bias2, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M3
  gemm(A22, 0, false, B21, B11, true, C11, C21, add | TWO | (add << 3), bias1, bias1, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M4
  gemm(A11, A12, false, B22, 0, false, C11, C12, sub | TWO | (add << 3), bias1, bias2, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M5
  gemm(A21, A11, true, B11, B12, false, C22, 0, add, bias2, 0, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M6
  gemm(A12, A22, true, B21, B22, false, C11, 0, add, bias1, 0, m, k, n, flags, k2, i0, i1, j0, j1, work, mc, kc, nc); // M7
}
