// Making tensors: from data, filled, ranges, identity, and random draws from a Generator.
import type { Backend } from '../backend.js';
import { checkDType, type DType, type TypedArray, typedArrayFor } from '../dtype.js';
import { getBackend } from '../backends.js';
import { defaultGenerator, type Generator } from '../random.js';
import { checkShape, numel, shapeStr } from '../shape.js';
import { type NestedArray, Tensor } from '../tensor.js';

export interface CreateOptions {
  dtype?: DType;
  backend?: string | Backend;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function backendOf(opts: CreateOptions): Backend {
  return typeof opts.backend === 'object' ? opts.backend : getBackend(opts.backend);
}

export function fromTypedArray(data: TypedArray, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkShape('tensor', shape);
  if (numel(shape) !== data.length) throw new Error(`tensor: ${data.length} values do not fill shape ${shapeStr(shape)} (${numel(shape)} elements)`);
  const dtype = opts.dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
  const arr = dtype === 'float32' ? (data instanceof Float32Array ? data : Float32Array.from(data)) : data instanceof Int32Array ? data : Int32Array.from(data);
  const t = new Tensor(backendOf(opts).fromArray(arr), shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor from nested arrays, a number, or a typed array (with `shape`). */
export function tensor(data: NestedArray | TypedArray | readonly number[], opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) return fromTypedArray(data as TypedArray, opts.shape ?? [(data as TypedArray).length], opts);
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  checkNested(data, shape, 0, '');
  const flat = Array.isArray(data) ? (data as unknown[]).flat(Infinity) : [data];
  const dtype = checkDType(opts.dtype ?? 'float32', 'tensor');
  const arr = typedArrayFor(dtype, flat.length);
  arr.set(flat as number[]);
  return fromTypedArray(arr, opts.shape ?? shape, { ...opts, dtype });
}

/** Every array at depth d must have shape[d] elements, down to numbers (the first element sets the shape). */
function checkNested(v: unknown, shape: readonly number[], dim: number, path: string): void {
  if (dim === shape.length) {
    if (typeof v !== 'number') throw new TypeError(`tensor: expected a number at data${path}, found ${Array.isArray(v) ? 'an array' : typeof v} (${String(v)})`);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[dim]) {
    const found = Array.isArray(v) ? `${v.length} elements` : typeof v;
    throw new Error(`tensor: ragged nested array: data${path} has ${found}, expected ${shape[dim]} (shape ${shapeStr(shape)} from the first elements)`);
  }
  for (let i = 0; i < v.length; i++) checkNested(v[i], shape, dim + 1, `${path}[${i}]`);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  // allocated on the backend (zero-filled) and filled there: no host array to build and upload
  const t = new Tensor(backendOf(opts).alloc(numel(checkShape('full', shape)), checkDType(opts.dtype ?? 'float32', 'full')), shape);
  if (value !== 0) t.backend.fill(t, value);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}
export const zeros = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 0, opts);
export const ones = (shape: readonly number[], opts: CreateOptions = {}) => full(shape, 1, opts);

/** [start, end) by step; with one argument, [0, end). */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32');
  const arr = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return fromTypedArray(arr, [n], { ...opts, dtype });
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const arr = typedArrayFor(opts.dtype ?? 'float32', n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return fromTypedArray(arr, [n, m], opts);
}

function draw(shape: readonly number[], opts: RandomOptions, f: (g: Generator) => number): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const arr = typedArrayFor(opts.dtype ?? 'float32', numel(checkShape('random', shape)));
  for (let i = 0; i < arr.length; i++) arr[i] = f(g);
  return fromTypedArray(arr, shape, opts);
}

/** Uniform in [low, high). */
export const rand = (shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = {}) => {
  const { low = 0, high = 1 } = opts;
  return draw(shape, opts, (g) => low + (high - low) * g.uniform());
};
/** Normal with the given mean and std (default N(0, 1)). */
export const randn = (shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}) => {
  const { mean = 0, std = 1 } = opts;
  return draw(shape, opts, (g) => mean + std * g.normal());
};
/** Integers uniform in [low, high). */
export const randint = (low: number, high: number, shape: readonly number[], opts: RandomOptions = {}) =>
  draw(shape, { dtype: 'int32', ...opts }, (g) => g.randint(low, high));
