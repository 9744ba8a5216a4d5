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

// Unit u is column block u % blocks of outer slice u / blocks: its first input and output elements
// (byte addresses) and its column count.
// @ts-ignore: decorator
@inline function unitInput(args: usize, u: i32): usize {
  const blocks = arg(args, 7), inner = <usize>arg(args, 6);
  return <usize>(<u32>arg(args, 3)) + (<usize>(u / blocks) * <usize>arg(args, 5) * inner + <usize>((u % blocks) * COLUMNS)) * 4;
}
// @ts-ignore: decorator
@inline function unitOutput(args: usize, u: i32): usize {
  const blocks = arg(args, 7);
  return <usize>(<u32>arg(args, 4)) + (<usize>(u / blocks) * <usize>arg(args, 6) + <usize>((u % blocks) * COLUMNS)) * 4;
}
// @ts-ignore: decorator
@inline function unitColumns(args: usize, u: i32): i32 {
  return min(COLUMNS, arg(args, 6) - (u % arg(args, 7)) * COLUMNS);
}

/** Units [u0, u1) of a sum. */
export function sumUnits(args: usize, u0: i32, u1: i32): void {
  const size = arg(args, 5), inner = arg(args, 6);
  const rowBytes = <usize>inner * 4;
  for (let u = u0; u < u1; u++) {
    const base = unitInput(args, u), dst = unitOutput(args, u), cols = unitColumns(args, u);
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

// max, min, argmax, argmin over the same (outer, size, inner) blocks and units as the sums, with the
// JS kernel's answers exactly: the first extreme wins ties (0 and −0 tie), a NaN wins and stops the
// search (its index is the first NaN's). Arguments as for the sums, plus 8 the mode; arg modes write
// int32 indices.
export const MAX = 1, MIN = 2, ARGMAX = 3, ARGMIN = 4;

/** Lanes where v replaces best: v beyond best or NaN, while best is not NaN yet. */
// @ts-ignore: decorator
@inline function replaces(isMin: bool, v: v128, best: v128): v128 {
  const beyond = isMin ? f32x4.lt(v, best) : f32x4.gt(v, best);
  return v128.and(v128.or(beyond, f32x4.ne(v, v)), f32x4.eq(best, best));
}

/** Units [u0, u1) of an extreme reduction (see sumUnits for the units). */
export function extremeUnits(args: usize, u0: i32, u1: i32): void {
  const mode = arg(args, 8);
  if (mode == MAX) extremes(args, u0, u1, false, false);
  else if (mode == MIN) extremes(args, u0, u1, true, false);
  else if (mode == ARGMAX) extremes(args, u0, u1, false, true);
  else extremes(args, u0, u1, true, true);
}

// @ts-ignore: decorator
@inline function extremes(args: usize, u0: i32, u1: i32, isMin: bool, isArg: bool): void {
  const size = arg(args, 5), inner = arg(args, 6);
  for (let u = u0; u < u1; u++) {
    if (inner == 1) rowExtreme(unitInput(args, u), size, unitOutput(args, u), isMin, isArg);
    else columnsExtreme(unitInput(args, u), size, <usize>inner * 4, unitColumns(args, u), unitOutput(args, u), isMin, isArg);
  }
}

/** One contiguous row: four lanes (element j in lane j % 4) each keep their first extreme, then the lanes are merged and the tail (higher indices) follows. */
// @ts-ignore: decorator
@inline function rowExtreme(p: usize, size: i32, dst: usize, isMin: bool, isArg: bool): void {
  let bestV: f32 = load<f32>(p), bestI = 0, s = 1;
  if (size >= 4) {
    let best = v128.load(p), idx = i32x4(0, 1, 2, 3), at = i32x4(4, 5, 6, 7);
    for (s = 4; s + 4 <= size; s += 4) {
      const v = v128.load(p + <usize>s * 4), r = replaces(isMin, v, best);
      best = v128.bitselect(v, best, r);
      idx = v128.bitselect(at, idx, r);
      at = i32x4.add(at, i32x4.splat(4));
    }
    const v0 = f32x4.extract_lane(best, 0), v1 = f32x4.extract_lane(best, 1), v2 = f32x4.extract_lane(best, 2), v3 = f32x4.extract_lane(best, 3);
    const j0 = i32x4.extract_lane(idx, 0), j1 = i32x4.extract_lane(idx, 1), j2 = i32x4.extract_lane(idx, 2), j3 = i32x4.extract_lane(idx, 3);
    // the first NaN if a lane has one, else the extreme value at its smallest index
    let target: f32 = NaN;
    if (!(v0 != v0 || v1 != v1 || v2 != v2 || v3 != v3)) {
      target = v0;
      if (isMin ? v1 < target : v1 > target) target = v1;
      if (isMin ? v2 < target : v2 > target) target = v2;
      if (isMin ? v3 < target : v3 > target) target = v3;
    }
    bestI = 0x7fffffff;
    if (ties(v0, target) && j0 < bestI) { bestI = j0; bestV = v0; }
    if (ties(v1, target) && j1 < bestI) { bestI = j1; bestV = v1; }
    if (ties(v2, target) && j2 < bestI) { bestI = j2; bestV = v2; }
    if (ties(v3, target) && j3 < bestI) { bestI = j3; bestV = v3; }
  }
  for (; s < size && bestV == bestV; s++) {
    const v = load<f32>(p + <usize>s * 4);
    if ((isMin ? v < bestV : v > bestV) || v != v) { bestV = v; bestI = s; }
  }
  if (isArg) store<i32>(dst, bestI);
  else store<f32>(dst, bestV);
}

/** v is the target (NaN matches NaN; 0 matches −0). */
// @ts-ignore: decorator
@inline function ties(v: f32, target: f32): bool {
  return target != target ? v != v : v == target;
}

/** `cols` (≤ 16) columns of one outer slice, rows rowBytes apart: each column keeps its first extreme, or its first NaN. */
// @ts-ignore: decorator
@inline function columnsExtreme(p: usize, size: i32, rowBytes: usize, cols: i32, dst: usize, isMin: bool, isArg: bool): void {
  if (cols == COLUMNS) {
    let b0 = v128.load(p), b1 = v128.load(p, 16), b2 = v128.load(p, 32), b3 = v128.load(p, 48);
    let k0 = i32x4.splat(0), k1 = k0, k2 = k0, k3 = k0;
    let q = p + rowBytes;
    for (let s = 1; s < size; s++, q += rowBytes) {
      const at = i32x4.splat(s);
      const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
      const r0 = replaces(isMin, v0, b0), r1 = replaces(isMin, v1, b1), r2 = replaces(isMin, v2, b2), r3 = replaces(isMin, v3, b3);
      b0 = v128.bitselect(v0, b0, r0); k0 = v128.bitselect(at, k0, r0);
      b1 = v128.bitselect(v1, b1, r1); k1 = v128.bitselect(at, k1, r1);
      b2 = v128.bitselect(v2, b2, r2); k2 = v128.bitselect(at, k2, r2);
      b3 = v128.bitselect(v3, b3, r3); k3 = v128.bitselect(at, k3, r3);
    }
    v128.store(dst, isArg ? k0 : b0); v128.store(dst, isArg ? k1 : b1, 16);
    v128.store(dst, isArg ? k2 : b2, 32); v128.store(dst, isArg ? k3 : b3, 48);
    return;
  }
  for (let c = 0; c < cols; c++) {
    let q = p + <usize>c * 4, bestV = load<f32>(q), bestI = 0;
    for (let s = 1; s < size && bestV == bestV; s++) {
      q += rowBytes;
      const v = load<f32>(q);
      if ((isMin ? v < bestV : v > bestV) || v != v) { bestV = v; bestI = s; }
    }
    if (isArg) store<i32>(dst + <usize>c * 4, bestI);
    else store<f32>(dst + <usize>c * 4, bestV);
  }
}
