// Shape ops. Most are views (new shape/strides over the same storage, no copy); the gradient
// of a view is the inverse view of the gradient.
import { record } from '../autograd.js';
import { contiguousStrides, normalizeDim, numel, shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, opScope, sumToShape, uninit } from './util.js';

function viewOf(x: Tensor, shape: readonly number[], strides: readonly number[], offset = x.offset): Tensor {
  x.assertAlive('view');
  return new Tensor(x.storage, shape, strides, offset);
}

/** Resolves one -1 and checks the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1)) throw new Error(`${op}: only one dim can be -1, got ${shapeStr(shape)}`);
  if (neg >= 0) {
    const known = numel(out.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) throw new Error(`${op}: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`);
    out[neg] = x.size / known;
  }
  if (numel(out) !== x.size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`);
  }
  return out;
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous) return x;
  return clone(x);
}

/** A contiguous copy. */
export function clone(x: Tensor): Tensor {
  x.assertAlive('clone');
  const out = uninit(x.backend, x.shape, x.dtype);
  x.backend.copy(x, out);
  return record(out, 'clone', [x], (g) => [g]);
}

/** A view when the layout allows it, else a copy (as torch.reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('reshape', x, shape);
  if (s.length === x.ndim && s.every((d, i) => d === x.shape[i])) return x;
  const src = x.isContiguous ? x : clone(x);
  const out = viewOf(src, s, contiguousStrides(s));
  if (src !== x) src.dispose();
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** A view; fails on a non-contiguous tensor (as torch.view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  if (!x.isContiguous) throw new Error(`view: tensor ${shapeStr(x.shape)} is not contiguous; use reshape() or contiguous() first`);
  return reshape(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim), e = normalizeDim('flatten', endDim, x.ndim);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new Error(`permute: got ${dims.length} dims for a tensor of ${x.ndim} dims ${shapeStr(x.shape)}`);
  const ds = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(ds).size !== ds.length) throw new Error(`permute: repeated dim in [${dims.join(', ')}]`);
  const out = viewOf(x, ds.map((d) => x.shape[d]), ds.map((d) => x.strides[d]));
  const inverse = new Array<number>(ds.length);
  ds.forEach((d, i) => (inverse[d] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.ndim), b = normalizeDim('transpose', dim1, x.ndim);
  const dims = [...Array(x.ndim).keys()];
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}

/** Elements [start, start + length) along dim, as a view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  if (start < 0) start += x.shape[d];
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > x.shape[d]) {
    throw new RangeError(`narrow: [${start}, ${start + length}) is out of range for dim ${d} of size ${x.shape[d]} (shape ${shapeStr(x.shape)})`);
  }
  const shape = x.shape.map((s, i) => (i === d ? length : s));
  const out = viewOf(x, shape, x.strides, x.offset + start * x.strides[d]);
  return record(out, 'narrow', [x], (g) => {
    // the adjoint pads the gradient with zeros back to the input's shape
    const full = empty(g.backend, x.shape, g.dtype);
    const window = viewOf(full, shape, full.strides, start * full.strides[d]);
    g.backend.copy(g, window);
    window.dispose();
    return [full];
  });
}

/** Python-style slice along one dim: [start, end), negatives count from the end. */
export function slice(x: Tensor, dim: number, start = 0, end?: number): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  const n = x.shape[d];
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start), e = clampIdx(end ?? n);
  return narrow(x, d, s, Math.max(0, e - s));
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a dim. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand ${shapeStr(x.shape)} to fewer dims ${shapeStr(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const src = x.shape[i - lead];
    if (src === d) return x.strides[i - lead];
    if (src === 1) return 0;
    throw new Error(`expand: cannot expand ${shapeStr(x.shape)} to ${shapeStr(shape)} (dim ${i}: ${src} is not 1)`);
  });
  if (target.length === x.ndim && target.every((d, i) => d === x.shape[i])) return x;
  return record(viewOf(x, target, strides), 'expand', [x], (g) => [sumToShape(g, x.shape)]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  const strides = [...x.strides];
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return record(viewOf(x, shape, strides), 'unsqueeze', [x], (g) => [reshape(g, x.shape)]);
}

/** Drops `dim` if it has size 1 (or every size-1 dim when dim is omitted). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  const keep = (i: number) => x.shape[i] !== 1 || (dim !== undefined && i !== normalizeDim('squeeze', dim, x.ndim));
  const idx = [...Array(x.ndim).keys()].filter(keep);
  if (idx.length === x.ndim) return x;
  const out = viewOf(x, idx.map((i) => x.shape[i]), idx.map((i) => x.strides[i]));
  return record(out, 'squeeze', [x], (g) => [reshape(g, x.shape)]);
}

/** Concatenates along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('cat: expected at least one tensor');
  const first = tensors[0];
  const d = normalizeDim('cat', dim, first.ndim);
  for (const t of tensors) {
    if (t.backend !== first.backend) throw new Error(`cat: tensors are on different backends ('${first.backend.name}' and '${t.backend.name}')`);
    if (t.dtype !== first.dtype) throw new TypeError(`cat: dtypes differ (${first.dtype} and ${t.dtype})`);
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new Error(`cat: shapes ${shapeStr(first.shape)} and ${shapeStr(t.shape)} differ outside dim ${d}`);
    }
  }
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d], 0);
  const out = uninit(first.backend, shape, first.dtype);
  let at = 0;
  for (const t of tensors) {
    const window = viewOf(out, t.shape, out.strides, at * out.strides[d]);
    t.backend.copy(t, window);
    window.dispose();
    at += t.shape[d];
  }
  return record(out, 'cat', tensors, (g) => {
    let from = 0;
    return tensors.map((t) => {
      const part = narrow(g, d, from, t.shape[d]);
      from += t.shape[d];
      return part;
    });
  });
}

/** Joins along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack: expected at least one tensor');
  const d = normalizeDim('stack', dim, tensors[0].ndim + 1);
  for (const t of tensors) {
    if (t.ndim !== tensors[0].ndim || t.shape.some((s, i) => s !== tensors[0].shape[i])) {
      throw new Error(`stack: all tensors need the same shape, got ${shapeStr(tensors[0].shape)} and ${shapeStr(t.shape)}`);
    }
  }
  return opScope(tensors, () => cat(tensors.map((t) => unsqueeze(t, d)), d));
}

/** Views of `size` elements along dim (the last may be shorter), or of the given section sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!(sizeOrSections > 0)) throw new RangeError(`split: size must be positive, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new Error(`split: sections [${sizes.join(', ')}] sum to ${total}, but dim ${d} has size ${n}`);
  }
  let at = 0;
  return sizes.map((s) => {
    const part = narrow(x, d, at, s);
    at += s;
    return part;
  });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normalizeDim('chunk', dim, x.ndim);
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}
