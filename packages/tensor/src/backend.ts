// The backend contract. Ops and autograd live once, above it (src/ops); a backend implements
// storage and these kernels only. Every kernel writes a fresh, contiguous `out` unless noted.
import type { DType, TypedArray } from './dtype.js';

/** A backend-owned buffer of `size` elements. Opaque above the backend. */
export interface Storage {
  readonly backend: Backend;
  readonly size: number;
  readonly dtype: DType;
}

/** A strided window onto a storage (a Tensor is one). */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'relu' | 'sigmoid' | 'abs' | 'sign'
  | 'gelu'      // tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
  | 'geluGrad'  // d gelu / dx
  | 'cast';     // to out.dtype (float → int truncates toward zero)

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/** Layout of one batched matmul: out (batch, m, n) = A (m, k) @ B (k, n) per batch matrix. */
export interface MatmulLayout {
  batch: number; m: number; k: number; n: number;
  aOffset: number; bOffset: number;
  transA: boolean; // A stored (k, m)
  transB: boolean; // B stored (n, k)
  aBatchStride: number; bBatchStride: number; // 0 broadcasts one matrix over the batch
}

export interface AdamWParams {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  step: number; // 1-based, for bias correction
}

export interface Backend {
  readonly name: string;
  alloc(size: number, dtype: DType): Storage;            // zero-filled
  fromArray(data: TypedArray): Storage;                   // copies
  read(storage: Storage): Promise<TypedArray>;            // a copy
  readSync?(storage: Storage): TypedArray;                // CPU-like backends only; may alias
  free(storage: Storage): void;
  memory(): { buffers: number; bytes: number };

  copy(src: View, dst: View): void;                       // same shape; dst may be strided
  fill(dst: View, value: number): void;
  unary(op: UnaryOp, x: View, out: Storage): void;        // out has x's shape, contiguous
  binary(op: BinaryOp, a: View, b: View, out: Storage): void; // a, b already broadcast (0 strides) to out's shape
  where(cond: View, a: View, b: View, out: Storage): void;    // out = cond != 0 ? a : b, all broadcast to out's shape
  /** x contiguous, viewed as (outer, size, inner); out (outer, inner). */
  reduce(op: ReduceOp, x: Storage, xOffset: number, outer: number, size: number, inner: number, out: Storage): void;
  matmul(a: Storage, b: Storage, out: Storage, layout: MatmulLayout): void;
  /** x (outer, size, inner), index (n) int32 → out (outer, n, inner). */
  indexSelect(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void;
  /** dst (outer, size, inner) += src (outer, n, inner) scattered by index (n). In place on dst. */
  indexAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void;
  /** x (outer, size, inner), index (outer, n, inner) int32 → out (outer, n, inner): out[o,j,i] = x[o, index[o,j,i], i]. */
  gather(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void;
  /** dst (outer, size, inner) += src (outer, n, inner) at index (outer, n, inner). In place on dst. */
  scatterAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void;
  /** Per row of x (rows, cols): the k largest values (descending) and their int32 indices. */
  topk(x: Storage, rows: number, cols: number, k: number, values: Storage, indices: Storage): void;
  /** In place: AdamW with decoupled weight decay, as torch.optim.AdamW. */
  adamw(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamWParams): void;
}
