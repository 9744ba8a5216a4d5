// Binary elementwise ops and strided copies over views of up to 4 dims (after merging the dims
// that are contiguous in every operand), in WASM SIMD: a job's unit is a block of one row (the
// last dim), so one long contiguous row is split over the threads too. Rows where both inputs
// step by 1 (or one is broadcast, step 0) and the output by 1 run four lanes at a time; others
// one element at a time. Results are those of the JS kernels bit for bit: float32 add, sub, mul
// and div round once either way, and maximum/minimum keep JS's NaN and signed-zero choices.
//
// Arguments (i32 slots at `args`, written by src/backends/cpu/wasm/elementwise.ts): 0-2 the
// chunking (units per chunk, units, unused); 3 op; 4-6 a, b, out (byte addresses; b unused by
// COPY); 7 dims (1..4); 8-11 shape; 12-15, 16-19, 20-23 the strides of a, b, out in elements;
// 24 blocks per row; for WHERE (out = cond != 0 ? a : b, as the JS kernel: NaN counts as true, −0 as
// false) 25 cond and 26-29 its strides.
export const ADD = 1, SUB = 2, MUL = 3, DIV = 4, MAXIMUM = 5, MINIMUM = 6, COPY = 7, WHERE = 8;
export const BLOCK = 4096;

// @ts-ignore: decorator
@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + <usize>(i * 4));
}

/** Units [u0, u1): unit u is block u % blocks of row u / blocks. */
export function elementwiseUnits(args: usize, u0: i32, u1: i32): void {
  const op = arg(args, 3), nd = arg(args, 7), n = arg(args, 8 + nd - 1), blocks = arg(args, 24);
  const as = arg(args, 12 + nd - 1), bs = arg(args, 16 + nd - 1), os = arg(args, 20 + nd - 1);
  const a = <usize>(<u32>arg(args, 4)), b = <usize>(<u32>arg(args, 5)), out = <usize>(<u32>arg(args, 6));
  for (let u = u0; u < u1; u++) {
    // the row's offsets over the outer dims, last outer dim fastest
    let r = u / blocks, ao = 0, bo = 0, oo = 0, co = 0;
    for (let d = nd - 2; d >= 0; d--) {
      const size = arg(args, 8 + d), i = r % size;
      r /= size;
      ao += i * arg(args, 12 + d);
      bo += i * arg(args, 16 + d);
      oo += i * arg(args, 20 + d);
      co += i * arg(args, 26 + d);
    }
    const j0 = (u % blocks) * BLOCK, len = min(n, j0 + BLOCK) - j0;
    const pa = a + <usize>(ao + j0 * as) * 4, pb = b + <usize>(bo + j0 * bs) * 4, po = out + <usize>(oo + j0 * os) * 4;
    if (op == ADD) row(ADD, pa, as, pb, bs, po, os, len);
    else if (op == SUB) row(SUB, pa, as, pb, bs, po, os, len);
    else if (op == MUL) row(MUL, pa, as, pb, bs, po, os, len);
    else if (op == DIV) row(DIV, pa, as, pb, bs, po, os, len);
    else if (op == MAXIMUM) row(MAXIMUM, pa, as, pb, bs, po, os, len);
    else if (op == MINIMUM) row(MINIMUM, pa, as, pb, bs, po, os, len);
    else if (op == WHERE) {
      const cs = arg(args, 26 + nd - 1);
      whereRow(<usize>(<u32>arg(args, 25)) + <usize>(co + j0 * cs) * 4, cs, pa, as, pb, bs, po, os, len);
    } else copyRow(pa, as, po, os, len);
  }
}

// @ts-ignore: decorator
@inline function opV(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  // JS: x > y || x is NaN ? x : y (and < for minimum): x when the test holds, else y
  const pick = op == MAXIMUM ? f32x4.gt(x, y) : f32x4.lt(x, y);
  return v128.bitselect(x, y, v128.or(pick, f32x4.ne(x, x)));
}

// @ts-ignore: decorator
@inline function opS(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAXIMUM) return x > y || x != x ? x : y;
  return x < y || x != x ? x : y;
}

// inlined with op a constant, so the op tests fold away
// @ts-ignore: decorator
@inline function row(op: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, os: i32, n: i32): void {
  let j = 0;
  if (os == 1 && as == 1 && bs == 1) {
    for (; j + 4 <= n; j += 4) v128.store(out + <usize>j * 4, opV(op, v128.load(a + <usize>j * 4), v128.load(b + <usize>j * 4)));
  } else if (os == 1 && as == 1 && bs == 0) {
    const y = v128.load32_splat(b);
    for (; j + 4 <= n; j += 4) v128.store(out + <usize>j * 4, opV(op, v128.load(a + <usize>j * 4), y));
  } else if (os == 1 && as == 0 && bs == 1) {
    const x = v128.load32_splat(a);
    for (; j + 4 <= n; j += 4) v128.store(out + <usize>j * 4, opV(op, x, v128.load(b + <usize>j * 4)));
  }
  for (; j < n; j++) {
    store<f32>(out + <usize>(j * os) * 4, opS(op, load<f32>(a + <usize>(j * as) * 4), load<f32>(b + <usize>(j * bs) * 4)));
  }
}

/** Loads four lanes from p (step 1) or one value into all four (step 0). */
// @ts-ignore: decorator
@inline function lanes(p: usize, step: i32, j: i32): v128 {
  return step == 0 ? v128.load32_splat(p) : v128.load(p + <usize>j * 4);
}

function whereRow(c: usize, cs: i32, a: usize, as: i32, b: usize, bs: i32, out: usize, os: i32, n: i32): void {
  let j = 0;
  if (os == 1 && <u32>cs <= 1 && <u32>as <= 1 && <u32>bs <= 1) {
    for (; j + 4 <= n; j += 4) {
      v128.store(out + <usize>j * 4, v128.bitselect(lanes(a, as, j), lanes(b, bs, j), f32x4.ne(lanes(c, cs, j), f32x4.splat(0))));
    }
  }
  for (; j < n; j++) {
    const v = load<f32>(c + <usize>(j * cs) * 4) != 0 ? load<f32>(a + <usize>(j * as) * 4) : load<f32>(b + <usize>(j * bs) * 4);
    store<f32>(out + <usize>(j * os) * 4, v);
  }
}

function copyRow(a: usize, as: i32, out: usize, os: i32, n: i32): void {
  if (as == 1 && os == 1) {
    memory.copy(out, a, <usize>n * 4);
    return;
  }
  for (let j = 0; j < n; j++) store<f32>(out + <usize>(j * os) * 4, load<f32>(a + <usize>(j * as) * 4));
}
