// The fused paths of the composite ops in nn.ts: one backend kernel for the forward, one for the
// backward, side by side. Each returns null when the backend has no such kernel (or it cannot run
// now), and the op composes the same result from primitives instead; tests check one against the
// other. Kernels take contiguous inputs: a strided input is copied first (outside the graph).
import { noGrad, record } from '../autograd.js';
import type { Backend, CausalRows } from '../backend.js';
import { Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import { clone } from './movement.js';
import { mean as meanOf, sum } from './reduce.js';
import { dense, empty, uninit } from './util.js';

/** x itself when contiguous, else a contiguous copy that is not part of the graph. */
const packed = (x: Tensor): Tensor => (x.isContiguous ? x : noGrad(() => clone(x)));
const release = (t: Tensor, unless: Tensor) => { if (t !== unless) t.dispose(); };

/** softmax(scale · x) over the last dim, causal-masked when asked; null without a fused kernel. */
export function softmaxFused(x: Tensor, scale: number, causal: CausalRows | null): Tensor | null {
  const be = x.backend;
  if (!be.softmaxRows || x.size === 0) return null;
  const n = x.shape[x.ndim - 1], rows = x.size / n;
  const c = packed(x);
  const out = uninit(be, x.shape, 'float32');
  const ok = be.softmaxRows(c.storage, c.offset, rows, n, scale, causal, out.storage);
  release(c, x);
  if (!ok) { out.dispose(); return null; }
  return record(out, 'softmax', [x], (g) => [softmaxBackward(be, out, g, rows, n, scale)]);
}

/** dx = scale · y ⊙ (g − Σ g ⊙ y): fused, or composed from primitives. */
function softmaxBackward(be: Backend, y: Tensor, g: Tensor, rows: number, n: number, scale: number): Tensor {
  const gc = packed(g);
  const dx = uninit(be, y.shape, 'float32');
  const ok = be.softmaxRowsBackward?.(y.storage, gc.storage, gc.offset, rows, n, scale, dx.storage) === true;
  release(gc, g);
  if (ok) return dx;
  dx.dispose();
  return mul(mul(y, sub(g, sum(mul(g, y), -1, true))), scale);
}

/** Layer norm over the last dim with optional weight and bias; null without a fused kernel. */
export function layerNormFused(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor | null {
  const be = x.backend;
  if (!be.layerNormRows || x.size === 0) return null;
  const n = x.shape[x.ndim - 1], rows = x.size / n;
  const c = packed(x), w = weight && packed(weight), b = bias && packed(bias);
  const out = uninit(be, x.shape, 'float32');
  const mean = uninit(be, [rows, 1], 'float32'), rstd = uninit(be, [rows, 1], 'float32');
  const ok = be.layerNormRows(c.storage, c.offset, rows, n, w?.storage ?? null, b?.storage ?? null, eps, out.storage, mean.storage, rstd.storage);
  if (b) release(b, bias!);
  if (!ok) {
    for (const t of [out, mean, rstd]) t.dispose();
    release(c, x);
    if (w) release(w, weight!);
    return null;
  }
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return record(out, 'layerNorm', inputs, (g) => {
    const grads = layerNormBackward(be, c, w, g, mean, rstd, rows, n, weight?.requiresGrad === true, bias?.requiresGrad === true);
    return [grads.dx, ...(weight ? [grads.dw] : []), ...(bias ? [grads.db] : [])];
  });
}

function layerNormBackward(be: Backend, x: Tensor, w: Tensor | null, g: Tensor, mean: Tensor, rstd: Tensor, rows: number, n: number,
  wantW: boolean, wantB: boolean): { dx: Tensor; dw: Tensor | null; db: Tensor | null } {
  const gc = packed(g);
  const dx = uninit(be, x.shape, 'float32');
  const dw = wantW ? empty(be, [n], 'float32') : null, db = wantB ? empty(be, [n], 'float32') : null;
  const ok = be.layerNormRowsBackward?.(x.storage, x.offset, w?.storage ?? null, gc.storage, gc.offset, mean.storage, rstd.storage,
    rows, n, dx.storage, dw?.storage ?? null, db?.storage ?? null) === true;
  release(gc, g);
  if (ok) return { dx, dw, db };
  for (const t of [dx, dw, db]) t?.dispose();
  // composed: x̂ = (x − mean)·rstd, ĝ = g⊙w, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂))
  const x2 = x.reshape(rows, n), g2 = g.reshape(rows, n);
  const xh = mul(sub(x2, mean), rstd);
  const gh = w ? mul(g2, w) : g2;
  const dx2 = mul(rstd, sub(sub(gh, meanOf(gh, -1, true)), mul(xh, meanOf(mul(gh, xh), -1, true))));
  return { dx: dx2.reshape([...x.shape]), dw: wantW ? sum(mul(g2, xh), 0) : null, db: wantB ? sum(g2, 0) : null };
}

/** log Σ e^x over the last dim of a (rows, n) tensor, as (rows, 1); null without a fused kernel. No gradient. */
export function logSumExpFused(x: Tensor): Tensor | null {
  const be = x.backend;
  if (!be.logSumExpRows || x.size === 0) return null;
  const n = x.shape[x.ndim - 1], rows = x.size / n;
  const c = packed(x);
  const lse = uninit(be, [rows, 1], 'float32');
  const ok = be.logSumExpRows(c.storage, c.offset, rows, n, lse.storage);
  release(c, x);
  if (ok) return lse;
  lse.dispose();
  return null;
}

/** e^{x − lse} · scale per row of x (rows, n), lse and scale (rows, 1); null without a fused kernel. No gradient. */
export function softmaxScaledFused(x: Tensor, lse: Tensor, scale: Tensor): Tensor | null {
  const be = x.backend;
  if (!be.softmaxScaledRows) return null;
  const n = x.shape[x.ndim - 1], rows = x.size / n;
  const c = packed(x), l = dense(lse), s = dense(scale);
  const out = uninit(be, x.shape, 'float32');
  const ok = be.softmaxScaledRows(c.storage, c.offset, l.storage, s.storage, rows, n, out.storage);
  release(c, x);
  release(l, lse);
  release(s, scale);
  if (ok) return out;
  out.dispose();
  return null;
}
