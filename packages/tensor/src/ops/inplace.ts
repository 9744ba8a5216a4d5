// In-place updates, for optimizers and caches: they write into an existing tensor's storage
// and record no gradient.
import type { AdamWParams } from '../backend.js';
import { shapeStr } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd.js';
import { tidy } from '../memory.js';
import { add, div, mul, sqrt } from './elementwise.js';
import { sameBackend } from './util.js';

function checkUpdate(op: string, dst: Tensor, src: Tensor): void {
  sameBackend(op, dst, src);
  if (dst.shape.length !== src.shape.length || dst.shape.some((d, i) => d !== src.shape[i])) {
    throw new Error(`${op}: shapes differ: destination ${shapeStr(dst.shape)}, source ${shapeStr(src.shape)}`);
  }
  if (dst.dtype !== src.dtype) throw new TypeError(`${op}: dtypes differ: destination ${dst.dtype}, source ${src.dtype}`);
  if (dst.requiresGrad && dst.gradNode) throw new Error(`${op}: cannot write in place into a tensor that is part of a graph`);
}

/** dst ← src (elementwise copy into dst's own storage, which may be a strided view). */
export function assign(dst: Tensor, src: Tensor): Tensor {
  checkUpdate('assign', dst, src);
  dst.backend.copy(src, dst);
  return dst;
}

/** dst ← value everywhere. */
export function fill(dst: Tensor, value: number): Tensor {
  dst.assertAlive('fill');
  dst.backend.fill(dst, value);
  return dst;
}

/** One AdamW update of param in place, with its moment buffers m and v (same shape, float32, dense). */
export function adamwUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, hyper: AdamWParams): void {
  for (const [name, t] of [['grad', grad], ['m', m], ['v', v]] as const) checkUpdate(`adamwUpdate (${name})`, param, t);
  for (const [name, t] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) {
    if (!t.isContiguous || t.offset !== 0 || t.storage.size !== t.size) throw new Error(`adamwUpdate: ${name} must own a dense storage (use contiguous parameters)`);
  }
  if (param.backend.adamw) param.backend.adamw(param.storage, grad.storage, m.storage, v.storage, hyper);
  else adamwComposed(param, grad, m, v, hyper);
}

/** The same update from primitives, for a backend without a fused AdamW kernel (and as its reference). */
export function adamwComposed(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, h: AdamWParams): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  noGrad(() => tidy(() => {
    assign(m, add(mul(m, beta1), mul(grad, 1 - beta1)));
    assign(v, add(mul(v, beta2), mul(mul(grad, grad), 1 - beta2)));
    // p ← p·(1 − lr·wd) − (lr / bc1) · m / (√v / √bc2 + eps)
    const denom = add(div(sqrt(v), Math.sqrt(1 - Math.pow(beta2, step))), eps);
    assign(param, add(mul(param, 1 - lr * weightDecay), mul(div(m, denom), -lr / (1 - Math.pow(beta1, step)))));
  }));
}
