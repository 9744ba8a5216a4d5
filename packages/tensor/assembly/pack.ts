// Packing copies a block of A or B into the panel order the micro-kernel streams through, so its
// inner loop reads contiguous memory whatever the operands' layout (transposes cost nothing extra).
// A block (mc, kc) -> ceil(mc / MR) panels, each (kc, MR): panel[p * MR + r] = A[ic + ir + r, pc + p].
// B block (kc, nc) -> ceil(nc / NR) panels, each (kc, NR): panel[p * NR + j] = B[pc + p, jc + jr + j].
// Rows/columns past the edge are zero-filled so edge tiles run the same kernel.
import { MR, NR } from './kernel';

// Strassen's products (./strassen.ts) pack a sum or difference of two blocks: X + X2 or X - X2
// (neg), read at the same offsets from bases x and x2; x2 = 0 packs X alone.

// @ts-ignore: decorator
@inline function load4(s: usize, d2: usize, two: bool, neg: bool): v128 {
  const x = v128.load(s);
  if (!two) return x;
  const y = v128.load(s + d2);
  return neg ? f32x4.sub(x, y) : f32x4.add(x, y);
}

// @ts-ignore: decorator
@inline function load1(s: usize, d2: usize, two: bool, neg: bool): f32 {
  const x = load<f32>(s);
  if (!two) return x;
  const y = load<f32>(s + d2);
  return neg ? x - y : x + y;
}

// 4x4 transpose of rows r0..r3 into columns: out q = (r0[q], r1[q], r2[q], r3[q]).
// @ts-ignore: decorator
@inline function store4x4T(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// The four lines s, s + ls, s + 2 ls, s + 3 ls, four elements each, transposed into dst.
// @ts-ignore: decorator
@inline function pack4x4T(dst: usize, stride: usize, s: usize, ls: usize, d2: usize, two: bool, neg: bool): void {
  store4x4T(dst, stride, load4(s, d2, two, neg), load4(s + ls, d2, two, neg), load4(s + 2 * ls, d2, two, neg), load4(s + 3 * ls, d2, two, neg));
}

/**
 * Packs `width` (<= lanes) lines of a source into one panel of `lanes` floats per p.
 * Line l, element p lives at src + l * lineStride + p * elemStride (bytes). Missing lines become 0.
 */
function packEdge(src: usize, lineStride: usize, elemStride: usize, kc: i32, width: i32, lanes: i32, dst: usize, d2: usize, two: bool, neg: bool): void {
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * elemStride, d = dst + <usize>(p * lanes * 4);
    for (let l = 0; l < lanes; l++) store<f32>(d + <usize>(l * 4), l < width ? load1(s + <usize>l * lineStride, d2, two, neg) : 0);
  }
}

/**
 * Packs rows [ic, ic + mc) x cols [pc, pc + kc) of A (+ or - A2, when a2 is not 0): A[i, p] at
 * a + i * si + p * sp bytes (si = 4 when A is stored transposed).
 */
export function packA(a: usize, a2: usize, neg: bool, si: usize, sp: usize, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const two = a2 != 0, d2 = a2 - a;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const src = a + <usize>(ic + ir) * si + <usize>pc * sp;
    const panel = dst + <usize>(ir * kc * 4);
    if (rows < MR) packEdge(src, si, sp, kc, rows, MR, panel, d2, two, neg);
    else if (si == 4) {
      // the MR rows of one p are contiguous: copy them as one vector
      for (let p = 0; p < kc; p++) v128.store(panel + <usize>(p * MR * 4), load4(src + <usize>p * sp, d2, two, neg));
    } else {
      let p = 0;
      for (; p + 4 <= kc; p += 4) pack4x4T(panel + <usize>(p * MR * 4), MR * 4, src + <usize>(p * 4), si, d2, two, neg);
      if (p < kc) packEdge(src + <usize>(p * 4), si, sp, kc - p, MR, MR, panel + <usize>(p * MR * 4), d2, two, neg);
    }
  }
}

/**
 * Packs rows [pc, pc + kc) x cols [jc, jc + nc) of B (+ or - B2, when b2 is not 0): B[p, j] at
 * b + p * sp + j * sj bytes (sj = 4 when B is stored as is, (k, n) row-major).
 */
export function packB(b: usize, b2: usize, neg: bool, sp: usize, sj: usize, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const two = b2 != 0, d2 = b2 - b;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const src = b + <usize>(jc + jr) * sj + <usize>pc * sp;
    const panel = dst + <usize>(jr * kc * 4);
    if (cols < NR) packEdge(src, sj, sp, kc, cols, NR, panel, d2, two, neg);
    else if (sj == 4) {
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * sp, d = panel + <usize>(p * NR * 4);
        v128.store(d, load4(s, d2, two, neg));
        v128.store(d + 16, load4(s + 16, d2, two, neg));
      }
    } else {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + <usize>(p * 4), d = panel + <usize>(p * NR * 4);
        pack4x4T(d, NR * 4, s, sj, d2, two, neg);
        pack4x4T(d + 16, NR * 4, s + 4 * sj, sj, d2, two, neg);
      }
      if (p < kc) packEdge(src + <usize>(p * 4), sj, sp, kc - p, NR, NR, panel + <usize>(p * NR * 4), d2, two, neg);
    }
  }
}
