// Elementwise and row kernels of the CPU backend (softmax with an in-kernel causal mask, layer
// norm, cross-entropy, GELU, ...), run a chunk of rows at a time by the main thread and the
// worker threads like the GEMM. Arguments are i32/f32 slots at `args` (layout in
// src/backends/cpu/wasm/ops.ts, which writes them); pointers are byte addresses, 0 for none.
import { attentionRows } from './attention';
import { elementwiseUnits } from './elementwise';
import { dropoutMask } from './random';
import { extremeUnits, sumUnits } from './reduce';
import { expV, geluGradV, geluV, hmax, hsum, logV, sigmoidV, tanhV } from './math';

export const UNARY = 1, SOFTMAX = 2, SOFTMAX_BWD = 3, LN = 4, LN_BWD = 5, CE = 6, CE_BWD = 7, GELU_BWD = 8, ADAMW = 9, ATTENTION = 10, ELEMENTWISE = 11, DROPOUT = 12, SUM = 13, EXTREME = 14;
const EXP = 1, TANH = 2, SIGMOID = 3, GELU = 4, GELU_GRAD = 5, LOG = 6, NEG = 7, ABS = 8, SQRT = 9, RSQRT = 10, RELU = 11;

// @ts-ignore: decorator
@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + <usize>(i * 4));
}
// @ts-ignore: decorator
@inline function argf(args: usize, i: i32): f32 {
  return load<f32>(args + <usize>(i * 4));
}
// @ts-ignore: decorator
@inline function ptr(args: usize, i: i32): usize {
  return <usize>(<u32>load<i32>(args + <usize>(i * 4)));
}

/** Chunk `idx` of a job of `kind`; `work` is the calling thread's workspace. */
export function opChunk(kind: i32, args: usize, idx: i32, work: usize): void {
  const per = arg(args, 0), total = arg(args, 1), n = arg(args, 2);
  const r0 = idx * per, r1 = min(total, r0 + per);
  if (kind == ATTENTION) attentionRows(args, r0, r1, work);
  else if (kind == ELEMENTWISE) elementwiseUnits(args, r0, r1);
  else if (kind == DROPOUT) dropoutMask(args);
  else if (kind == SUM) sumUnits(args, r0, r1);
  else if (kind == EXTREME) extremeUnits(args, r0, r1);
  else if (kind == UNARY) unary(arg(args, 3), ptr(args, 4), ptr(args, 5), r0, r1);
  else if (kind == GELU_BWD) geluBackward(ptr(args, 3), ptr(args, 4), ptr(args, 5), r0, r1);
  else if (kind == ADAMW) adamw(args, r0, r1);
  else if (kind == SOFTMAX) {
    for (let r = r0; r < r1; r++) {
      const count = arg(args, 5) != 0 ? min(n, r % arg(args, 6) + arg(args, 7) + 1) : n;
      softmaxRow(ptr(args, 3) + <usize>r * <usize>n * 4, ptr(args, 4) + <usize>r * <usize>n * 4, n, count, argf(args, 8));
    }
  } else if (kind == SOFTMAX_BWD) {
    for (let r = r0; r < r1; r++) {
      const o = <usize>r * <usize>n * 4;
      softmaxBwdRow(ptr(args, 3) + o, ptr(args, 4) + o, ptr(args, 5) + o, n, argf(args, 8));
    }
  } else if (kind == LN) {
    for (let r = r0; r < r1; r++) {
      const o = <usize>r * <usize>n * 4;
      layerNormRow(ptr(args, 3) + o, ptr(args, 4), ptr(args, 5), ptr(args, 6) + o, ptr(args, 7) + <usize>r * 4, ptr(args, 8) + <usize>r * 4, n, argf(args, 9));
    }
  } else if (kind == LN_BWD) {
    const dw = ptr(args, 9), db = ptr(args, 10), part = <usize>idx * <usize>n * 4;
    if (dw) memory.fill(dw + part, 0, <usize>n * 4);
    if (db) memory.fill(db + part, 0, <usize>n * 4);
    for (let r = r0; r < r1; r++) {
      const o = <usize>r * <usize>n * 4;
      layerNormBwdRow(ptr(args, 3) + o, ptr(args, 4), ptr(args, 5) + o, load<f32>(ptr(args, 6) + <usize>r * 4), load<f32>(ptr(args, 7) + <usize>r * 4),
        ptr(args, 8) + o, dw ? dw + part : 0, db ? db + part : 0, n);
    }
  } else if (kind == CE) {
    for (let r = r0; r < r1; r++) store<f32>(ptr(args, 4) + <usize>r * 4, logSumExpRow(ptr(args, 3) + <usize>r * <usize>n * 4, n));
  } else if (kind == CE_BWD) {
    for (let r = r0; r < r1; r++) {
      const o = <usize>r * <usize>n * 4;
      expScaleRow(ptr(args, 3) + o, ptr(args, 6) + o, n, load<f32>(ptr(args, 4) + <usize>r * 4), load<f32>(ptr(args, 5) + <usize>r * 4));
    }
  }
}

// @ts-ignore: decorator
@inline function unaryV(op: i32, x: v128): v128 {
  if (op == EXP) return expV(x);
  if (op == TANH) return tanhV(x);
  if (op == SIGMOID) return sigmoidV(x);
  if (op == GELU) return geluV(x);
  if (op == GELU_GRAD) return geluGradV(x);
  if (op == LOG) return logV(x);
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x); // correctly rounded, as Math.sqrt stored to float32
  if (op == RSQRT) return rsqrtV(x);
  return v128.and(x, f32x4.gt(x, f32x4.splat(0))); // relu: x > 0 ? x : 0 (NaN and −0 → 0, as the JS kernel)
}

// inlined into each branch of unary() with op a constant, so the op test folds away
// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(out + <usize>i * 4, unaryV(op, v128.load(x + <usize>i * 4)));
  // the tail goes through the same vector code, so every element gets identical rounding
  for (; i < i1; i++) store<f32>(out + <usize>i * 4, f32x4.extract_lane(unaryV(op, f32x4.splat(load<f32>(x + <usize>i * 4))), 0));
}

function unary(op: i32, x: usize, out: usize, i0: i32, i1: i32): void {
  if (op == EXP) unaryLoop(EXP, x, out, i0, i1);
  else if (op == TANH) unaryLoop(TANH, x, out, i0, i1);
  else if (op == SIGMOID) unaryLoop(SIGMOID, x, out, i0, i1);
  else if (op == GELU) unaryLoop(GELU, x, out, i0, i1);
  else if (op == GELU_GRAD) unaryLoop(GELU_GRAD, x, out, i0, i1);
  else if (op == LOG) unaryLoop(LOG, x, out, i0, i1);
  else if (op == NEG) unaryLoop(NEG, x, out, i0, i1);
  else if (op == ABS) unaryLoop(ABS, x, out, i0, i1);
  else if (op == SQRT) unaryLoop(SQRT, x, out, i0, i1);
  else if (op == RSQRT) unaryLoop(RSQRT, x, out, i0, i1);
  else if (op == RELU) unaryLoop(RELU, x, out, i0, i1);
}

/** 1/√x in float64, rounded once to float32: the JS kernel's 1 / Math.sqrt(x) bit for bit. */
// @ts-ignore: decorator
@inline function rsqrtV(x: v128): v128 {
  const one = f64x2.splat(1);
  const lo = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(x)));
  const hi = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1))));
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** dx = g ⊙ gelu′(x): GELU's backward in one pass. */
function geluBackward(x: usize, g: usize, dx: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    v128.store(dx + o, f32x4.mul(v128.load(g + o), geluGradV(v128.load(x + o))));
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    store<f32>(dx + o, load<f32>(g + o) * f32x4.extract_lane(geluGradV(f32x4.splat(load<f32>(x + o))), 0));
  }
}

/**
 * AdamW in place over elements [i0, i1) of p, g, m, v (float32, as torch.optim.AdamW computes):
 * m = β1 m + (1−β1) g, v = β2 v + (1−β2) g², p = p·decay − stepSize · m / (√v · invBc2 + eps).
 */
function adamw(args: usize, i0: i32, i1: i32): void {
  const p = ptr(args, 3), g = ptr(args, 4), m = ptr(args, 5), v = ptr(args, 6);
  const b1 = f32x4.splat(argf(args, 7)), c1 = f32x4.splat(argf(args, 8)), b2 = f32x4.splat(argf(args, 9)), c2 = f32x4.splat(argf(args, 10));
  const decay = f32x4.splat(argf(args, 11)), step = f32x4.splat(argf(args, 12)), inv = f32x4.splat(argf(args, 13)), eps = f32x4.splat(argf(args, 14));
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), inv), eps);
    v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o), decay), f32x4.div(f32x4.mul(step, mv), denom)));
  }
  const sb1 = argf(args, 7), sc1 = argf(args, 8), sb2 = argf(args, 9), sc2 = argf(args, 10);
  const sdecay = argf(args, 11), sstep = argf(args, 12), sinv = argf(args, 13), seps = argf(args, 14);
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const gv = load<f32>(g + o);
    const mv = sb1 * load<f32>(m + o) + sc1 * gv;
    const vv = sb2 * load<f32>(v + o) + sc2 * (gv * gv);
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, load<f32>(p + o) * sdecay - (sstep * mv) / (Mathf.sqrt(vv) * sinv + seps));
  }
}

/** Max of x[0, count) (NaN if any is NaN); -inf for count 0. */
function rowMax(x: usize, count: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= count; j += 4) m = f32x4.max(m, v128.load(x + <usize>j * 4));
  let s = hmax(m);
  for (; j < count; j++) s = max(s, load<f32>(x + <usize>j * 4));
  return s;
}

/** y[j] = e^{scale(x[j] − m)} for j < count (y may be x); returns Σ y[j]. */
export function expShifted(x: usize, y: usize, count: i32, m: f32, scale: f32): f32 {
  const sv = f32x4.splat(scale), mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const e = expV(f32x4.mul(f32x4.sub(v128.load(x + <usize>j * 4), mv), sv));
    v128.store(y + <usize>j * 4, e);
    acc = f32x4.add(acc, e);
  }
  let sum = hsum(acc);
  for (; j < count; j++) {
    const e = f32x4.extract_lane(expV(f32x4.splat((load<f32>(x + <usize>j * 4) - m) * scale)), 0);
    store<f32>(y + <usize>j * 4, e);
    sum += e;
  }
  return sum;
}

/** y[j] = e^{scale(x[j] − max)} / Σ for j < count, 0 for the masked rest. */
function softmaxRow(x: usize, y: usize, n: i32, count: i32, scale: f32): void {
  let m = rowMax(x, count);
  if (m == -Infinity) m = 0; // a fully masked row: 0/0 = NaN, as the composed softmax
  const sum = expShifted(x, y, count, m, scale);
  let j = 0;
  const inv = f32x4.splat(1 / sum);
  j = 0;
  for (; j + 4 <= count; j += 4) v128.store(y + <usize>j * 4, f32x4.mul(v128.load(y + <usize>j * 4), inv));
  for (; j < count; j++) store<f32>(y + <usize>j * 4, load<f32>(y + <usize>j * 4) * (1 / sum));
  if (count < n) memory.fill(y + <usize>count * 4, 0, <usize>(n - count) * 4);
}

/** dx = scale · y ⊙ (g − Σ g⊙y). */
function softmaxBwdRow(y: usize, g: usize, dx: usize, n: i32, scale: f32): void {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(y + <usize>j * 4), v128.load(g + <usize>j * 4)));
  let dot = hsum(acc);
  for (; j < n; j++) dot += load<f32>(y + <usize>j * 4) * load<f32>(g + <usize>j * 4);
  const dv = f32x4.splat(dot), sv = f32x4.splat(scale);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    v128.store(dx + <usize>j * 4, f32x4.mul(f32x4.mul(v128.load(y + <usize>j * 4), f32x4.sub(v128.load(g + <usize>j * 4), dv)), sv));
  }
  for (; j < n; j++) store<f32>(dx + <usize>j * 4, load<f32>(y + <usize>j * 4) * (load<f32>(g + <usize>j * 4) - dot) * scale);
}

function rowSum(x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(x + <usize>j * 4));
  let s = hsum(acc);
  for (; j < n; j++) s += load<f32>(x + <usize>j * 4);
  return s;
}

/** y = (x − mean)·rstd·w + b over one row; mean and rstd = 1/√(var + eps) are kept for the backward. */
function layerNormRow(x: usize, w: usize, b: usize, y: usize, meanOut: usize, rstdOut: usize, n: i32, eps: f32): void {
  const mean = rowSum(x, n) / <f32>n;
  const mv = f32x4.splat(mean);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const d = f32x4.sub(v128.load(x + <usize>j * 4), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let ss = hsum(acc);
  for (; j < n; j++) {
    const d = load<f32>(x + <usize>j * 4) - mean;
    ss += d * d;
  }
  const rstd: f32 = 1 / Mathf.sqrt(ss / <f32>n + eps);
  store<f32>(meanOut, mean);
  store<f32>(rstdOut, rstd);
  const rv = f32x4.splat(rstd);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j * 4;
    let v = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
    if (w) v = f32x4.mul(v, v128.load(w + o));
    if (b) v = f32x4.add(v, v128.load(b + o));
    v128.store(y + o, v);
  }
  for (; j < n; j++) {
    const o = <usize>j * 4;
    let v = (load<f32>(x + o) - mean) * rstd;
    if (w) v *= load<f32>(w + o);
    if (b) v += load<f32>(b + o);
    store<f32>(y + o, v);
  }
}

/**
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with x̂ = (x − mean)·rstd and ĝ = g⊙w;
 * dw += g⊙x̂ and db += g into this chunk's partial sums.
 */
function layerNormBwdRow(x: usize, w: usize, g: usize, mean: f32, rstd: f32, dx: usize, dw: usize, db: usize, n: i32): void {
  const mv = f32x4.splat(mean), rv = f32x4.splat(rstd);
  let a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j * 4;
    const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
    const gv = v128.load(g + o);
    const gh = w ? f32x4.mul(gv, v128.load(w + o)) : gv;
    a1 = f32x4.add(a1, gh);
    a2 = f32x4.add(a2, f32x4.mul(gh, xh));
    if (dw) v128.store(dw + o, f32x4.add(v128.load(dw + o), f32x4.mul(gv, xh)));
    if (db) v128.store(db + o, f32x4.add(v128.load(db + o), gv));
  }
  let s1 = hsum(a1), s2 = hsum(a2);
  for (; j < n; j++) {
    const o = <usize>j * 4;
    const xh = (load<f32>(x + o) - mean) * rstd;
    const gv = load<f32>(g + o);
    const gh = w ? gv * load<f32>(w + o) : gv;
    s1 += gh;
    s2 += gh * xh;
    if (dw) store<f32>(dw + o, load<f32>(dw + o) + gv * xh);
    if (db) store<f32>(db + o, load<f32>(db + o) + gv);
  }
  const m1 = f32x4.splat(s1 / <f32>n), m2 = f32x4.splat(s2 / <f32>n);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j * 4;
    const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
    const gv = v128.load(g + o);
    const gh = w ? f32x4.mul(gv, v128.load(w + o)) : gv;
    v128.store(dx + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(gh, m1), f32x4.mul(xh, m2))));
  }
  for (; j < n; j++) {
    const o = <usize>j * 4;
    const xh = (load<f32>(x + o) - mean) * rstd;
    const gv = load<f32>(g + o);
    const gh = w ? gv * load<f32>(w + o) : gv;
    store<f32>(dx + o, rstd * (gh - s1 / <f32>n - xh * (s2 / <f32>n)));
  }
}

/** log Σ e^{x[j]} over one row, shifted by the row max (a -inf max is taken as 0, as the composed op). */
function logSumExpRow(x: usize, n: i32): f32 {
  let m = rowMax(x, n);
  if (m == -Infinity) m = 0;
  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, expV(f32x4.sub(v128.load(x + <usize>j * 4), mv)));
  let s = hsum(acc);
  for (; j < n; j++) s += f32x4.extract_lane(expV(f32x4.splat(load<f32>(x + <usize>j * 4) - m)), 0);
  return m + Mathf.log(s);
}

/** out[j] = e^{x[j] − lse}·scale: softmax times the row's loss weight. */
function expScaleRow(x: usize, out: usize, n: i32, lse: f32, scale: f32): void {
  const lv = f32x4.splat(lse), sv = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(out + <usize>j * 4, f32x4.mul(expV(f32x4.sub(v128.load(x + <usize>j * 4), lv)), sv));
  for (; j < n; j++) store<f32>(out + <usize>j * 4, f32x4.extract_lane(expV(f32x4.splat(load<f32>(x + <usize>j * 4) - lse)), 0) * scale);
}
