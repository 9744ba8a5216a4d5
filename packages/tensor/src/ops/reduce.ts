// Reductions over any dims, with keepdim. The kernel reduces one axis of a contiguous
// (outer, size, inner) block; several dims are reduced one after another.
import { noGrad, record } from '../autograd.js';
import { tidy } from '../memory.js';
import type { ReduceOp } from '../backend.js';
import { normalizeDim, normalizeDims, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, eq, mul, sub } from './elementwise.js';
import { contiguous, expand, reshape } from './movement.js';
import { checkFloat, opScope, uninit } from './util.js';

/** Reduces one dim, keeping it as size 1. */
function reduceDim(op: ReduceOp, x: Tensor, dim: number): Tensor {
  const c = contiguous(x);
  const outer = numel(x.shape.slice(0, dim)), size = x.shape[dim], inner = numel(x.shape.slice(dim + 1));
  if (size === 0) throw new Error(`${op}: cannot reduce over an empty dim (dim ${dim} of shape [${x.shape.join(', ')}])`);
  const shape = x.shape.map((d, i) => (i === dim ? 1 : d));
  const out = uninit(x.backend, shape, op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype);
  x.backend.reduce(op, c.storage, c.offset, outer, size, inner, out.storage);
  if (c !== x) c.dispose();
  return out;
}

function dropDims(t: Tensor, dims: number[], keepdim: boolean): Tensor {
  if (keepdim) return t;
  return reshape(t, t.shape.filter((_, i) => !dims.includes(i)));
}

/** The gradient of a keepdim=false reduction, reshaped to broadcast against the input. */
function keepShape(g: Tensor, xShape: readonly number[], dims: number[]): Tensor {
  return reshape(g, xShape.map((d, i) => (dims.includes(i) ? 1 : d)));
}

export function sum(x: Tensor, dims?: number | number[] | null, keepdim = false): Tensor {
  const ds = normalizeDims('sum', dims, x.ndim);
  // the partial sums are constants to the graph: sum's gradient needs only the shapes
  const out = noGrad(() => tidy(() => {
    let r = x;
    if (ds.length === x.ndim && x.isContiguous) {
      // all elements at once: one pass
      r = reduceDim('sum', reshape(x, [1, x.size]), 1);
      r = reshape(r, x.shape.map(() => 1));
    } else {
      for (let i = ds.length - 1; i >= 0; i--) r = reduceDim('sum', r, ds[i]);
      if (r === x) r = x.clone();
    }
    return dropDims(r, ds, keepdim);
  }));
  return record(out, 'sum', [x], (g) => [expand(keepShape(g, x.shape, ds), x.shape)]);
}

export function mean(x: Tensor, dims?: number | number[] | null, keepdim = false): Tensor {
  checkFloat('mean', x);
  const ds = normalizeDims('mean', dims, x.ndim);
  const count = ds.reduce((n, d) => n * x.shape[d], 1);
  return opScope([x], () => div(sum(x, ds, keepdim), count));
}

function extreme(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) return opScope([x], () => extreme(op, reshape(x, [x.size]), 0, false));
  const d = normalizeDim(op, dim, x.ndim);
  return opScope([x], () => {
    const kept = reduceDim(op, x, d);
    const out = dropDims(kept, [d], keepdim);
    return record(out, op, [x], (g) => {
      // the gradient goes to the extreme element(s), split evenly between ties
      const mask = eq(x, kept);
      const share = div(mask, sum(mask, d, true));
      return [mul(share, keepShape(g, x.shape, [d]))];
    });
  });
}
export const max = (x: Tensor, dim?: number, keepdim = false) => extreme('max', x, dim, keepdim);
export const min = (x: Tensor, dim?: number, keepdim = false) => extreme('min', x, dim, keepdim);

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) return opScope([], () => argExtreme(op, reshape(x, [x.size]), 0, false));
  const d = normalizeDim(op, dim, x.ndim);
  return opScope([], () => dropDims(reduceDim(op, x, d), [d], keepdim));
}
export const argmax = (x: Tensor, dim?: number, keepdim = false) => argExtreme('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false) => argExtreme('argmin', x, dim, keepdim);

/** Variance; unbiased (N - 1) by default, as torch.var. LayerNorm uses unbiased: false. */
export function variance(x: Tensor, dims?: number | number[] | null, opts: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor {
  const { unbiased = true, keepdim = false } = opts;
  const ds = normalizeDims('var', dims, x.ndim);
  const count = ds.reduce((n, d) => n * x.shape[d], 1);
  return opScope([x], () => {
    const centered = sub(x, mean(x, ds, true));
    return div(sum(mul(centered, centered), ds, keepdim), unbiased ? count - 1 : count);
  });
}
