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

/**
 * The unary primitives every backend implements. Activations built from them (GELU) are not
 * primitives: ops compose them, and a backend may offer a fused kernel instead (FusedKernels).
 */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'relu' | 'sigmoid' | 'abs' | 'sign'
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

/** Causal masking inside a row kernel: row r is query (r % queries), which sees keys [0, r % queries + offset]. */
export interface CausalRows { queries: number; offset: number }

/**
 * Optional fused kernels. Inputs are contiguous (storage, element offset); outputs fresh contiguous
 * storages. Each returns false when it cannot run (e.g. before WebAssembly is loaded); the op then
 * composes the same result from the primitive kernels above, which is also the reference its tests
 * check the fused kernel against.
 */
export interface FusedKernels {
  /** out (rows, n) = softmax(scale · x) per row; with `causal`, masked keys get 0. */
  softmaxRows?(x: Storage, xOffset: number, rows: number, n: number, scale: number, causal: CausalRows | null, out: Storage): boolean;
  /** dx = scale · y ⊙ (g − rowsum(g ⊙ y)). */
  softmaxRowsBackward?(y: Storage, g: Storage, gOffset: number, rows: number, n: number, scale: number, dx: Storage): boolean;
  /** out = layer norm of each row of x (rows, n), times w plus b when given; mean and rstd = 1/√(var + eps) per row. */
  layerNormRows?(x: Storage, xOffset: number, rows: number, n: number, w: Storage | null, b: Storage | null, eps: number,
    out: Storage, mean: Storage, rstd: Storage): boolean;
  /** The layer norm's backward: dx, and dw = Σ_rows g ⊙ x̂ / db = Σ_rows g when given. */
  layerNormRowsBackward?(x: Storage, xOffset: number, w: Storage | null, g: Storage, gOffset: number, mean: Storage, rstd: Storage,
    rows: number, n: number, dx: Storage, dw: Storage | null, db: Storage | null): boolean;
  /** lse (rows) = log Σ_j e^{x[r, j]}. */
  logSumExpRows?(x: Storage, xOffset: number, rows: number, n: number, lse: Storage): boolean;
  /** out = A @ B + bias (n, added to every row), the bias added in the matmul's own pass (a Linear layer). */
  matmulBias?(a: Storage, b: Storage, bias: Storage, biasOffset: number, out: Storage, layout: MatmulLayout): boolean;
  /** out (n) = gelu(x), the tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))), in one pass. */
  gelu?(x: Storage, xOffset: number, n: number, out: Storage): boolean;
  /** dx (n) = g ⊙ gelu′(x): GELU's backward in one pass. */
  geluBackward?(x: Storage, xOffset: number, g: Storage, gOffset: number, n: number, dx: Storage): boolean;
  /**
   * Causal attention for inference: out (B, Tq, H, D), contiguous, = softmax(scale · q kᵀ) v per
   * (b, h), where query i sees keys [0, i + offset] and, when `lengths` is given, at most
   * lengths[b] keys. q (B, H, Tq, D), k and v (B, KV, Tk, D) are views whose last dim is contiguous;
   * each of the KV key/value heads serves H / KV query heads (grouped-query attention; KV = H is multi-head).
   * No (Tq, Tk) weights are built or kept: there is no backward.
   */
  attention?(q: View, k: View, v: View, scale: number, offset: number, lengths: readonly number[] | null, out: Storage): boolean;
  /**
   * out (n) = scale where the generator's next uniform is ≥ p, else 0 (dropout's mask): the same
   * numbers as n calls of Generator.uniform(), whose xoshiro128** words `state` advances in place.
   */
  dropoutMask?(state: Uint32Array, n: number, p: number, scale: number, out: Storage): boolean;
  /** out[r, j] = e^{x[r, j] − lse[r]} · scale[r] (cross-entropy's gradient before the one-hot). */
  softmaxScaledRows?(x: Storage, xOffset: number, lse: Storage, scale: Storage, rows: number, n: number, out: Storage): boolean;
}

export interface Backend extends FusedKernels {
  readonly name: string;
  alloc(size: number, dtype: DType): Storage;            // zero-filled
  /** Contents unspecified: for an output that the kernel about to run writes in full (skips the zero-fill). Optional. */
  allocUninit?(size: number, dtype: DType): Storage;
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
  /** In place: AdamW with decoupled weight decay, as torch.optim.AdamW. Optional: adamwUpdate composes it from primitives otherwise. */
  adamw?(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamWParams): void;
}
