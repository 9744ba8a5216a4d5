// The Tensor: a strided view onto backend storage, plus what autograd needs.
// Methods are thin: each op lives (forward next to backward) in src/ops.
import { releaseGraph, backward as runBackward, type GradNode } from './autograd.js';
import type { Backend, Storage, View } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { releaseStorage, retainStorage, trackTensor } from './memory.js';
import { contiguousStrides, isContiguous, numel, shapeStr } from './shape.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduce.js';
import * as M from './ops/movement.js';
import * as I from './ops/indexing.js';
import * as N from './ops/nn.js';
import { matmul } from './ops/matmul.js';

export type Scalar = number;
export type NestedArray = number | NestedArray[];

let nextId = 0;

export class Tensor implements View {
  readonly isTensor = true;
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  requiresGrad = false;
  grad: Tensor | null = null;
  gradNode: GradNode | null = null;
  /** Optional label used in error messages and state dicts. */
  name?: string;
  private disposed = false;

  constructor(
    readonly storage: Storage,
    shape: readonly number[],
    strides?: readonly number[],
    readonly offset = 0,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    retainStorage(storage);
    trackTensor(this);
  }

  get dtype(): DType { return this.storage.dtype; }
  get backend(): Backend { return this.storage.backend; }
  get ndim(): number { return this.shape.length; }
  get size(): number { return numel(this.shape); }
  get isDisposed(): boolean { return this.disposed; }
  get isContiguous(): boolean { return isContiguous(this.shape, this.strides); }
  /** A tensor with no graph history: a parameter or an input. */
  get isLeaf(): boolean { return this.gradNode === null; }

  dim(d: number): number { return this.shape[d < 0 ? d + this.ndim : d]; }

  toString(): string {
    return `Tensor(shape=${shapeStr(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- memory ----
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseStorage(this.storage);
    this.grad?.dispose();
    this.grad = null;
    releaseGraph(this);
  }

  assertAlive(op: string): void {
    if (this.disposed) throw new Error(`${op}: tensor ${shapeStr(this.shape)} was disposed`);
  }

  // ---- readback: async, so the same code runs on a GPU ----
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    const c = this.contiguous();
    const all = await c.backend.read(c.storage);
    const out = c.offset === 0 && all.length === c.size ? all : all.slice(c.offset, c.offset + c.size);
    if (c !== this) c.dispose();
    return out;
  }
  async toArray(): Promise<NestedArray> { return nest(await this.data(), this.shape); }
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: expected a single-element tensor, got shape ${shapeStr(this.shape)}`);
    return (await this.data())[0];
  }
  /** Synchronous readback, on backends that allow it (the CPU). */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    const read = this.backend.readSync;
    if (!read) throw new Error(`dataSync: the '${this.backend.name}' backend reads back asynchronously; use await t.data()`);
    const c = this.contiguous();
    const out = read.call(c.backend, c.storage).slice(c.offset, c.offset + c.size);
    if (c !== this) c.dispose();
    return out;
  }
  toArraySync(): NestedArray { return nest(this.dataSync(), this.shape); }
  itemSync(): number {
    if (this.size !== 1) throw new Error(`item: expected a single-element tensor, got shape ${shapeStr(this.shape)}`);
    return this.dataSync()[0];
  }

  // ---- autograd ----
  backward(grad?: Tensor): void { runBackward(this, grad); }
  /** Same data, no history. */
  detach(): Tensor { return new Tensor(this.storage, this.shape, this.strides, this.offset); }
  zeroGrad(): void { this.grad?.dispose(); this.grad = null; }
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== 'float32') throw new TypeError('requiresGrad: only float32 tensors can require gradients');
    this.requiresGrad = flag;
    return this;
  }

  // ---- elementwise ----
  add(o: Tensor | Scalar): Tensor { return E.add(this, o); }
  sub(o: Tensor | Scalar): Tensor { return E.sub(this, o); }
  mul(o: Tensor | Scalar): Tensor { return E.mul(this, o); }
  div(o: Tensor | Scalar): Tensor { return E.div(this, o); }
  pow(o: Tensor | Scalar): Tensor { return E.pow(this, o); }
  maximum(o: Tensor | Scalar): Tensor { return E.maximum(this, o); }
  minimum(o: Tensor | Scalar): Tensor { return E.minimum(this, o); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  rsqrt(): Tensor { return E.rsqrt(this); }
  tanh(): Tensor { return E.tanh(this); }
  relu(): Tensor { return E.relu(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  gelu(): Tensor { return E.gelu(this); }
  abs(): Tensor { return E.abs(this); }
  square(): Tensor { return E.mul(this, this); }
  clamp(min?: number, max?: number): Tensor { return E.clamp(this, min, max); }
  eq(o: Tensor | Scalar): Tensor { return E.eq(this, o); }
  ne(o: Tensor | Scalar): Tensor { return E.ne(this, o); }
  lt(o: Tensor | Scalar): Tensor { return E.lt(this, o); }
  le(o: Tensor | Scalar): Tensor { return E.le(this, o); }
  gt(o: Tensor | Scalar): Tensor { return E.gt(this, o); }
  ge(o: Tensor | Scalar): Tensor { return E.ge(this, o); }
  maskedFill(mask: Tensor, value: number): Tensor { return E.maskedFill(this, mask, value); }
  float(): Tensor { return E.cast(this, 'float32'); }
  int(): Tensor { return E.cast(this, 'int32'); }
  to(dtype: DType): Tensor { return E.cast(this, dtype); }
  clone(): Tensor { return M.clone(this); }
  onesLike(): Tensor { return E.fullLike(this, 1); }
  zerosLike(): Tensor { return E.fullLike(this, 0); }

  // ---- reductions ----
  sum(dims?: number | number[] | null, keepdim = false): Tensor { return R.sum(this, dims, keepdim); }
  mean(dims?: number | number[] | null, keepdim = false): Tensor { return R.mean(this, dims, keepdim); }
  max(dim?: number, keepdim = false): Tensor { return R.max(this, dim, keepdim); }
  min(dim?: number, keepdim = false): Tensor { return R.min(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  var(dims?: number | number[] | null, opts: { unbiased?: boolean; keepdim?: boolean } = {}): Tensor { return R.variance(this, dims, opts); }

  // ---- shape and views (no copies where the layout allows) ----
  reshape(...shape: (number | number[])[]): Tensor { return M.reshape(this, flatShape(shape)); }
  view(...shape: (number | number[])[]): Tensor { return M.view(this, flatShape(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return M.flatten(this, startDim, endDim); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return M.transpose(this, dim0, dim1); }
  get T(): Tensor { return M.transpose(this, -2, -1); }
  permute(...dims: (number | number[])[]): Tensor { return M.permute(this, flatShape(dims)); }
  narrow(dim: number, start: number, length: number): Tensor { return M.narrow(this, dim, start, length); }
  slice(dim: number, start?: number, end?: number): Tensor { return M.slice(this, dim, start, end); }
  expand(...shape: (number | number[])[]): Tensor { return M.expand(this, flatShape(shape)); }
  broadcastTo(shape: readonly number[]): Tensor { return M.expand(this, shape); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return M.squeeze(this, dim); }
  contiguous(): Tensor { return M.contiguous(this); }
  split(sizeOrSections: number | number[], dim = 0): Tensor[] { return M.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return M.chunk(this, chunks, dim); }

  // ---- linear algebra, indexing, nn ----
  matmul(o: Tensor): Tensor { return matmul(this, o); }
  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return I.indexSelect(this, dim, index); }
  topk(k: number, dim = -1): { values: Tensor; indices: Tensor } { return I.topk(this, k, dim); }
  tril(diagonal = 0): Tensor { return I.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return I.triu(this, diagonal); }
  softmax(dim = -1): Tensor { return N.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return N.logSoftmax(this, dim); }
}

function flatShape(args: (number | number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : (args as number[]);
}

function nest(data: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (dim: number, off: number): NestedArray[] => {
    const n = shape[dim];
    const stride = numel(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = dim === shape.length - 1 ? data[off + i] : build(dim + 1, off + i * stride);
    return out;
  };
  return build(0, 0);
}
