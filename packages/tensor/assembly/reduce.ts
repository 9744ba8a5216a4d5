// Sums over the middle axis of a contiguous (outer, size, inner) block in WebAssembly, accumulated
// in float64 in the same order as the JS kernel (src/backends/cpu/reduce.ts: row after row of the
// reduced axis), so the results are the same bit for bit. A unit is one row (inner = 1: summed
// one element after another) or a block of 16 columns of one outer slice (two float64 lanes at a
// time, in registers), so the threads split the work either way.
//
// Arguments (i32 slots at `args`, written by src/backends/cpu/wasm/reduce.ts): 0-2 the chunking
// (units per chunk, units, unused); 3 x, 4 out (byte addresses); 5 size, 6 inner, 7 column blocks.
export const COLUMNS = 16;

// @ts-ignore: decorator
@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + <usize>(i * 4));
}

// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Units [u0, u1): unit u is column block u % blocks of outer slice u / blocks. */
export function sumUnits(args: usize, u0: i32, u1: i32): void {
  const x = <usize>(<u32>arg(args, 3)), out = <usize>(<u32>arg(args, 4));
  const size = arg(args, 5), inner = arg(args, 6), blocks = arg(args, 7);
  const rowBytes = <usize>inner * 4;
  for (let u = u0; u < u1; u++) {
    const o = u / blocks, i0 = (u % blocks) * COLUMNS;
    const base = x + <usize>o * <usize>size * rowBytes + <usize>i0 * 4, dst = out + (<usize>o * <usize>inner + <usize>i0) * 4;
    const cols = min(COLUMNS, inner - i0);
    if (cols == COLUMNS) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
      let p = base;
      for (let s = 0; s < size; s++, p += rowBytes) {
        const v0 = v128.load(p), v1 = v128.load(p + 16), v2 = v128.load(p + 32), v3 = v128.load(p + 48);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0)); a1 = f64x2.add(a1, high(v0));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1)); a3 = f64x2.add(a3, high(v1));
        a4 = f64x2.add(a4, f64x2.promote_low_f32x4(v2)); a5 = f64x2.add(a5, high(v2));
        a6 = f64x2.add(a6, f64x2.promote_low_f32x4(v3)); a7 = f64x2.add(a7, high(v3));
      }
      // float64 → float32 with one rounding each, as the JS kernel's store
      v128.store(dst, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
      v128.store(dst + 16, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5));
      v128.store(dst + 32, i32x4.shuffle(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 4, 5));
      v128.store(dst + 48, i32x4.shuffle(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 4, 5));
    } else {
      for (let c = 0; c < cols; c++) {
        let acc: f64 = 0;
        let p = base + <usize>c * 4;
        for (let s = 0; s < size; s++, p += rowBytes) acc += <f64>load<f32>(p);
        store<f32>(dst + <usize>c * 4, <f32>acc);
      }
    }
  }
}
