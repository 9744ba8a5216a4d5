// Packing copies a block of A or B into the panel order the micro-kernel streams through, so its
// inner loop reads contiguous memory whatever the operands' layout (transposes cost nothing extra).
// A block (mc, kc) -> ceil(mc / MR) panels, each (kc, MR): panel[p * MR + r] = A[ic + ir + r, pc + p].
// B block (kc, nc) -> ceil(nc / NR) panels, each (kc, NR): panel[p * NR + j] = B[pc + p, jc + jr + j].
// Rows/columns past the edge are zero-filled so edge tiles run the same kernel.
import { MR, NR } from './kernel';

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

/**
 * Packs `width` (<= lanes) lines of a source into one panel of `lanes` floats per p.
 * Line l, element p lives at src + l * lineStride + p * elemStride (bytes). Missing lines become 0.
 */
function packEdge(src: usize, lineStride: usize, elemStride: usize, kc: i32, width: i32, lanes: i32, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * elemStride, d = dst + <usize>(p * lanes * 4);
    for (let l = 0; l < lanes; l++) store<f32>(d + <usize>(l * 4), l < width ? load<f32>(s + <usize>l * lineStride) : 0);
  }
}

/** A is (m, k) row-major, or (k, m) when transA. Packs rows [ic, ic + mc) x cols [pc, pc + kc). */
export function packA(a: usize, transA: bool, m: i32, k: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  // byte strides of A[i, p] along i and along p
  const si: usize = transA ? 4 : <usize>k * 4, sp: usize = transA ? <usize>m * 4 : 4;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const src = a + <usize>(ic + ir) * si + <usize>pc * sp;
    const panel = dst + <usize>(ir * kc * 4);
    if (rows < MR) packEdge(src, si, sp, kc, rows, MR, panel);
    else if (transA) {
      // the MR rows of one p are contiguous: copy them as one vector
      for (let p = 0; p < kc; p++) v128.store(panel + <usize>(p * MR * 4), v128.load(src + <usize>p * sp));
    } else {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + <usize>(p * 4);
        store4x4T(panel + <usize>(p * MR * 4), MR * 4, v128.load(s), v128.load(s + si), v128.load(s + 2 * si), v128.load(s + 3 * si));
      }
      if (p < kc) packEdge(src + <usize>(p * 4), si, sp, kc - p, MR, MR, panel + <usize>(p * MR * 4));
    }
  }
}

/** B is (k, n) row-major, or (n, k) when transB. Packs rows [pc, pc + kc) x cols [jc, jc + nc). */
export function packB(b: usize, transB: bool, k: i32, n: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  // byte strides of B[p, j] along j and along p
  const sj: usize = transB ? <usize>k * 4 : 4, sp: usize = transB ? 4 : <usize>n * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const src = b + <usize>(jc + jr) * sj + <usize>pc * sp;
    const panel = dst + <usize>(jr * kc * 4);
    if (cols < NR) packEdge(src, sj, sp, kc, cols, NR, panel);
    else if (!transB) {
      for (let p = 0; p < kc; p++) {
        const s = src + <usize>p * sp, d = panel + <usize>(p * NR * 4);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + <usize>(p * 4), d = panel + <usize>(p * NR * 4);
        store4x4T(d, NR * 4, v128.load(s), v128.load(s + sj), v128.load(s + 2 * sj), v128.load(s + 3 * sj));
        const s4 = s + 4 * sj;
        store4x4T(d + 16, NR * 4, v128.load(s4), v128.load(s4 + sj), v128.load(s4 + 2 * sj), v128.load(s4 + 3 * sj));
      }
      if (p < kc) packEdge(src + <usize>(p * 4), sj, sp, kc - p, NR, NR, panel + <usize>(p * NR * 4));
    }
  }
}
