// Causal attention for inference, one query row at a time: out = softmax(scale · q Kᵀ) V over the
// keys the query sees, with that row of scores in the calling thread's workspace, so no
// (Tq, Tk) matrix is ever built. Training takes the composed path (matmul, fused softmax, matmul),
// whose saved weights the backward needs.
//
// Arguments (i32 slots at `args`, written by src/backends/cpu/wasm/attention.ts): 0-2 the chunking
// (rows per chunk, rows, unused); 3-6 q, k, v, out (byte addresses); 7 H, 8 Tq, 9 Tk, 10 D,
// 11 offset (query i sees keys 0..i + offset); 12-20 the (b, h, t) strides of q, k and v in
// elements (their last dim is contiguous); 21 scale (f32); 22 lengths (byte address of one f32
// per b: keys visible to that batch row at most, 0 for none); 23 G, query heads per key/value head
// (grouped-query attention: query head h reads k and v head h / G). out is (B, Tq, H, D), contiguous.
import { madd } from './kernel';
import { hsum } from './math';
import { expShifted } from './ops';

// @ts-ignore: decorator
@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + <usize>(i * 4));
}
// @ts-ignore: decorator
@inline function addr(base: usize, elements: i32): usize {
  return base + <usize>elements * 4;
}

/** Query rows [r0, r1) of (B, H, Tq); `scores` has room for Tk floats. */
export function attentionRows(args: usize, r0: i32, r1: i32, scores: usize): void {
  const H = arg(args, 7), Tq = arg(args, 8), Tk = arg(args, 9), D = arg(args, 10), offset = arg(args, 11);
  const scale = load<f32>(args + 21 * 4), lengths = <usize>(<u32>arg(args, 22)), G = arg(args, 23);
  for (let r = r0; r < r1; r++) {
    const i = r % Tq, h = (r / Tq) % H, b = r / (Tq * H), kvh = h / G;
    let n = min(Tk, i + offset + 1);
    if (lengths) n = min(n, <i32>load<f32>(lengths + <usize>b * 4));
    const q = addr(<usize>(<u32>arg(args, 3)), b * arg(args, 12) + h * arg(args, 13) + i * arg(args, 14));
    const k = addr(<usize>(<u32>arg(args, 4)), b * arg(args, 15) + kvh * arg(args, 16));
    const v = addr(<usize>(<u32>arg(args, 5)), b * arg(args, 18) + kvh * arg(args, 19));
    const out = addr(<usize>(<u32>arg(args, 6)), ((b * Tq + i) * H + h) * D);
    attentionRow(q, k, <usize>arg(args, 17) * 4, v, <usize>arg(args, 20) * 4, out, D, n, scale, scores);
  }
}

/** out (D) = Σ_j e_j v_j / Σ_j e_j with e_j = e^{scale(q·k_j − max)}, over keys j < n (rows ks and vs bytes apart). */
function attentionRow(q: usize, k: usize, ks: usize, v: usize, vs: usize, out: usize, d: i32, n: i32, scale: f32, scores: usize): void {
  if (n <= 0) {
    // no key to attend to: 0/0, NaN, as the composed softmax of a fully masked row
    for (let c = 0; c < d; c++) store<f32>(out + <usize>c * 4, NaN);
    return;
  }
  let m: f32 = -Infinity, j = 0;
  if ((d & 7) == 0) {
    // four keys at a time: q's loads shared, eight independent accumulator chains
    let m4 = f32x4.splat(-Infinity);
    for (; j + 4 <= n; j += 4) {
      const s4 = dot4(q, k + <usize>j * ks, ks, d);
      v128.store(scores + <usize>j * 4, s4);
      m4 = f32x4.max(m4, s4);
    }
    m = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
  }
  for (; j < n; j++) {
    const s = dot(q, k + <usize>j * ks, d);
    store<f32>(scores + <usize>j * 4, s);
    m = max(m, s);
  }
  if (m == -Infinity) m = 0; // every score -inf: 0/0 = NaN, as the composed softmax
  const sum = expShifted(scores, scores, n, m, scale); // the fused softmax's e^{scale(x − max)}
  weightedSum(scores, v, vs, out, d, n, 1 / sum);
}

/** q · k over d elements, two accumulators. */
function dot(q: usize, k: usize, d: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  let c = 0;
  for (; c + 8 <= d; c += 8) {
    const o = <usize>c * 4;
    a0 = madd(v128.load(q + o), v128.load(k + o), a0);
    a1 = madd(v128.load(q + o + 16), v128.load(k + o + 16), a1);
  }
  for (; c + 4 <= d; c += 4) a0 = madd(v128.load(q + <usize>c * 4), v128.load(k + <usize>c * 4), a0);
  let s = hsum(f32x4.add(a0, a1));
  for (; c < d; c++) s += load<f32>(q + <usize>c * 4) * load<f32>(k + <usize>c * 4);
  return s;
}

/** The four lanes of q · k_j for keys j = 0..3 (rows ks bytes apart), d a multiple of 8: each as dot() sums it, bit for bit. */
// @ts-ignore: decorator
@inline function dot4(q: usize, k: usize, ks: usize, d: i32): v128 {
  let a0 = f32x4.splat(0), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  const k1 = k + ks, k2 = k1 + ks, k3 = k2 + ks;
  for (let o: usize = 0; o < <usize>d * 4; o += 32) {
    const x = v128.load(q + o), y = v128.load(q + o + 16);
    a0 = madd(x, v128.load(k + o), a0); b0 = madd(y, v128.load(k + o + 16), b0);
    a1 = madd(x, v128.load(k1 + o), a1); b1 = madd(y, v128.load(k1 + o + 16), b1);
    a2 = madd(x, v128.load(k2 + o), a2); b2 = madd(y, v128.load(k2 + o + 16), b2);
    a3 = madd(x, v128.load(k3 + o), a3); b3 = madd(y, v128.load(k3 + o + 16), b3);
  }
  return hsum4(f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3));
}

/** [hsum(x0), hsum(x1), hsum(x2), hsum(x3)], each summed (l0 + l1) + (l2 + l3) as hsum does. */
// @ts-ignore: decorator
@inline function hsum4(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const u = f32x4.add(i32x4.shuffle(x0, x1, 0, 4, 2, 6), i32x4.shuffle(x0, x1, 1, 5, 3, 7)); // x0 l0+l1, x1 l0+l1, x0 l2+l3, x1 l2+l3
  const w = f32x4.add(i32x4.shuffle(x2, x3, 0, 4, 2, 6), i32x4.shuffle(x2, x3, 1, 5, 3, 7));
  return f32x4.add(i32x4.shuffle(u, w, 0, 1, 4, 5), i32x4.shuffle(u, w, 2, 3, 6, 7));
}

/** out (d) = inv · Σ_j w_j v_j, 32 (then 16) columns at a time in registers: eight independent accumulator chains. */
function weightedSum(w: usize, v: usize, vs: usize, out: usize, d: i32, n: i32, inv: f32): void {
  const iv = f32x4.splat(inv);
  let c = 0;
  for (; c + 32 <= d; c += 32) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    let row = v + <usize>c * 4;
    for (let j = 0; j < n; j++, row += vs) {
      const e = v128.load32_splat(w + <usize>j * 4);
      a0 = madd(e, v128.load(row), a0); a1 = madd(e, v128.load(row + 16), a1);
      a2 = madd(e, v128.load(row + 32), a2); a3 = madd(e, v128.load(row + 48), a3);
      a4 = madd(e, v128.load(row + 64), a4); a5 = madd(e, v128.load(row + 80), a5);
      a6 = madd(e, v128.load(row + 96), a6); a7 = madd(e, v128.load(row + 112), a7);
    }
    const o = out + <usize>c * 4;
    v128.store(o, f32x4.mul(a0, iv)); v128.store(o + 16, f32x4.mul(a1, iv));
    v128.store(o + 32, f32x4.mul(a2, iv)); v128.store(o + 48, f32x4.mul(a3, iv));
    v128.store(o + 64, f32x4.mul(a4, iv)); v128.store(o + 80, f32x4.mul(a5, iv));
    v128.store(o + 96, f32x4.mul(a6, iv)); v128.store(o + 112, f32x4.mul(a7, iv));
  }
  for (; c + 16 <= d; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let row = v + <usize>c * 4;
    for (let j = 0; j < n; j++, row += vs) {
      const e = v128.load32_splat(w + <usize>j * 4);
      a0 = madd(e, v128.load(row), a0);
      a1 = madd(e, v128.load(row + 16), a1);
      a2 = madd(e, v128.load(row + 32), a2);
      a3 = madd(e, v128.load(row + 48), a3);
    }
    const o = out + <usize>c * 4;
    v128.store(o, f32x4.mul(a0, iv));
    v128.store(o + 16, f32x4.mul(a1, iv));
    v128.store(o + 32, f32x4.mul(a2, iv));
    v128.store(o + 48, f32x4.mul(a3, iv));
  }
  for (; c + 4 <= d; c += 4) {
    let a = f32x4.splat(0);
    let row = v + <usize>c * 4;
    for (let j = 0; j < n; j++, row += vs) a = madd(v128.load32_splat(w + <usize>j * 4), v128.load(row), a);
    v128.store(out + <usize>c * 4, f32x4.mul(a, iv));
  }
  for (; c < d; c++) {
    let a: f32 = 0;
    for (let j = 0; j < n; j++) a += load<f32>(w + <usize>j * 4) * load<f32>(v + <usize>j * vs + <usize>c * 4);
    store<f32>(out + <usize>c * 4, a * inv);
  }
}
