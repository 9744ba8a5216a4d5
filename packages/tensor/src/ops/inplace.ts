// In-place updates, for optimizers and caches: they write into an existing tensor's storage
// and record no gradient.
import type { AdamWParams } from '../backend.js';
import { shapeStr } from '../shape.js';
import type { Tensor } from '../tensor.js';
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
  param.backend.adamw(param.storage, grad.storage, m.storage, v.storage, hyper);
}
