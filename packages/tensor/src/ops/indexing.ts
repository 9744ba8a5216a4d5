// Selecting by index: indexSelect (embedding lookup), gather (picking the target's logit),
// topk, and the triangular masks. Backward scatters the gradient back with indexAdd / scatterAdd.
import { record } from '../autograd.js';
import { normalizeDim, numel, shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { contiguous, reshape, transpose } from './movement.js';
import { dense as denseTensor, empty, opScope, sameBackend, uninit } from './util.js';

function checkIndexTensor(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype} ${shapeStr(index.shape)}`);
}

function blocks(x: Tensor, d: number) {
  return { outer: numel(x.shape.slice(0, d)), size: x.shape[d], inner: numel(x.shape.slice(d + 1)) };
}

/** Rows of x along dim picked by a 1-D int32 index: out.shape[dim] = index.length. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const backend = sameBackend('indexSelect', x, index);
  checkIndexTensor('indexSelect', index);
  if (index.ndim !== 1) throw new Error(`indexSelect: index must be 1-D, got ${shapeStr(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  const { outer, size, inner } = blocks(x, d);
  const n = index.size;
  return opScope([x], () => {
    const xc = contiguous(x), ic = contiguous(index);
    const shape = x.shape.map((s, i) => (i === d ? n : s));
    const out = uninit(backend, shape, x.dtype);
    backend.indexSelect(dense(xc), dense(ic), outer, size, inner, n, out.storage);
    return record(out, 'indexSelect', [x], (g) => {
      const gx = empty(backend, x.shape, g.dtype);
      backend.indexAdd(gx.storage, dense(ic), dense(contiguous(g)), outer, size, inner, n);
      return [gx];
    });
  });
}

/** out[..., j, ...] = x[..., index[..., j, ...], ...] along dim; index has x's shape except at dim. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const backend = sameBackend('gather', x, index);
  checkIndexTensor('gather', index);
  const d = normalizeDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s !== x.shape[i])) {
    throw new Error(`gather: index shape ${shapeStr(index.shape)} must match input shape ${shapeStr(x.shape)} except at dim ${d}`);
  }
  const { outer, size, inner } = blocks(x, d);
  const n = index.shape[d];
  return opScope([x], () => {
    const ic = contiguous(index);
    const out = uninit(backend, index.shape, x.dtype);
    backend.gather(dense(contiguous(x)), dense(ic), outer, size, inner, n, out.storage);
    return record(out, 'gather', [x], (g) => {
      const gx = empty(backend, x.shape, g.dtype);
      backend.scatterAdd(gx.storage, dense(ic), dense(contiguous(g)), outer, size, inner, n);
      return [gx];
    });
  });
}

/** Token embedding lookup: weight (V, C), ids int32 (...) → (..., C). */
export function embedding(weight: Tensor, ids: Tensor): Tensor {
  if (weight.ndim !== 2) throw new Error(`embedding: weight must be (numEmbeddings, dim), got ${shapeStr(weight.shape)}`);
  return opScope([weight], () => reshape(indexSelect(weight, 0, reshape(ids, [ids.size])), [...ids.shape, weight.shape[1]]));
}

/** The k largest values along dim (descending) and their int32 indices. No gradient. */
export function topk(x: Tensor, k: number, dim = -1): { values: Tensor; indices: Tensor } {
  const d = normalizeDim('topk', dim, x.ndim);
  if (!Number.isInteger(k) || k < 1 || k > x.shape[d]) throw new RangeError(`topk: k=${k} is out of range for dim ${d} of size ${x.shape[d]}`);
  return opScope([], () => {
    const last = d === x.ndim - 1 ? x : transpose(x, d, -1);
    const c = denseTensor(contiguous(last));
    const cols = last.shape[last.ndim - 1], rows = last.size / cols;
    const shape = [...last.shape.slice(0, -1), k];
    const values = empty(x.backend, shape, x.dtype), indices = empty(x.backend, shape, 'int32');
    x.backend.topk(c.storage, rows, cols, k, values.storage, indices.storage);
    if (d === x.ndim - 1) return { values, indices };
    return { values: transpose(values, d, -1), indices: transpose(indices, d, -1) };
  });
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new Error(`${lower ? 'tril' : 'triu'}: expected at least 2 dims, got ${shapeStr(x.shape)}`);
  const [r, c] = x.shape.slice(-2);
  const keep = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) keep[i * c + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  return opScope([x], () => where(new Tensor(x.backend.fromArray(keep), [r, c]), x, 0));
}
/** Zeroes above the diagonal (the causal mask's shape). */
export const tril = (x: Tensor, diagonal = 0) => triangle(x, diagonal, true);
export const triu = (x: Tensor, diagonal = 0) => triangle(x, diagonal, false);

/** The storage of a dense copy (or of t itself when it already is dense). */
function dense(t: Tensor) {
  return denseTensor(t).storage;
}
