// Matrix multiply with broadcast batch dims. Transposed operands (the views that .T and the
// backward pass make) reach the kernel as flags, not copies.
import { record } from '../autograd.js';
import type { Backend, MatmulLayout } from '../backend.js';
import { broadcastShapes, numel, shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { clone, expand, reshape, squeeze, transpose, unsqueeze } from './movement.js';
import { checkFloat, opScope, sameBackend, sumToShape, uninit } from './util.js';

/** How the kernel can read the last two dims (r, c) of t: plain row-major, transposed, or not at all. */
function matrixLayout(t: Tensor): 'plain' | 'trans' | null {
  const [r, c] = t.shape.slice(-2);
  const [sr, sc] = t.strides.slice(-2);
  if ((sc === 1 || c === 1) && (sr === c || r === 1)) return 'plain';
  if ((sr === 1 || r === 1) && (sc === r || c === 1)) return 'trans';
  return null;
}

/** One element stride that steps through all batch matrices of t, if there is one (0 = broadcast). */
function batchStride(t: Tensor): number | null {
  const dims = t.shape.slice(0, -2), strides = t.strides.slice(0, -2);
  let stride: number | null = null, expected = 0;
  for (let i = dims.length - 1; i >= 0; i--) {
    if (dims[i] === 1) continue;
    if (stride === null) { stride = strides[i]; expected = strides[i] * dims[i]; continue; }
    if (strides[i] !== expected) return null;
    expected = strides[i] * dims[i];
  }
  return stride ?? 0;
}

function readable(t: Tensor): Tensor {
  return matrixLayout(t) && batchStride(t) !== null ? t : clone(t);
}

/** out (..., m, n) = a (..., m, k) @ b (..., k, n). 1-D operands are treated as in NumPy. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const backend = sameBackend('matmul', a, b);
  checkFloat('matmul', a);
  checkFloat('matmul', b);
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: expected tensors with at least 1 dim, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return opScope([a, b], () => matmulViews(backend, a, b));
}

/** The product once shapes are checked: 1-D operands as matrices, a folded batch, or one batched kernel call. */
function matmulViews(backend: Backend, a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 1 || b.ndim === 1) {
    // a (k) is a row (1, k), b (k) a column (k, 1); the added dims are dropped again
    let out = matmul(a.ndim === 1 ? unsqueeze(a, 0) : a, b.ndim === 1 ? unsqueeze(b, -1) : b);
    if (b.ndim === 1) out = squeeze(out, -1);
    if (a.ndim === 1) out = squeeze(out, b.ndim === 1 ? -1 : -2);
    return out;
  }
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) throw new Error(`matmul: inner dims differ: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)} (${k} vs ${k2})`);
  // (..., m, k) @ (k, n): fold the batch into m, so the weight gradient is one big matmul
  if (b.ndim === 2 && a.ndim > 2 && a.isContiguous) {
    return reshape(matmul(reshape(a, [-1, k]), b), [...a.shape.slice(0, -1), n]);
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const av = readable(expand(a, [...batchShape, m, k]));
  const bv = readable(expand(b, [...batchShape, k, n]));
  const out = uninit(backend, [...batchShape, m, n], 'float32');
  const layout: MatmulLayout = {
    batch: numel(batchShape), m, k, n,
    aOffset: av.offset, bOffset: bv.offset,
    transA: matrixLayout(av) === 'trans', transB: matrixLayout(bv) === 'trans',
    aBatchStride: batchStride(av)!, bBatchStride: batchStride(bv)!,
  };
  if (out.size > 0) backend.matmul(av.storage, bv.storage, out.storage, layout);
  // dA = dOut @ Bᵀ, dB = Aᵀ @ dOut, summed over broadcast batch dims
  return record(out, 'matmul', [a, b], (g) => [
    a.requiresGrad ? sumToShape(matmul(g, transpose(b, -1, -2)), a.shape) : null,
    b.requiresGrad ? sumToShape(gradB(a, b, g), b.shape) : null,
  ]);
}

/**
 * dB = Aᵀ @ dOut. When B is a transposed view (a Linear's W.T), it is computed as (dOutᵀ @ A)ᵀ:
 * the same numbers, but the gradient reaching W is then W's own dense layout, not a strided view
 * that would have to be copied into W.grad.
 */
function gradB(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (a.ndim === 2 && b.ndim === 2 && matrixLayout(b) === 'trans') return transpose(matmul(transpose(g, 0, 1), a), 0, 1);
  return matmul(transpose(a, -1, -2), g);
}
