// The arguments of one batched matmul call and their validation, shared by the WASM and JS kernels.

export interface MatmulArgs {
  a: Float32Array; aOffset: number; // element offsets
  b: Float32Array; bOffset: number;
  out: Float32Array; outOffset: number;
  /** Number of (m, n) output matrices. */
  batch: number;
  m: number; k: number; n: number;
  /** false: A[i, p] at a[aOffset + i*k + p]; true: A stored (k, m), A[i, p] at a[aOffset + p*m + i]. */
  transA: boolean;
  /** false: B[p, j] at b[bOffset + p*n + j]; true: B stored (n, k), B[p, j] at b[bOffset + j*k + p]. */
  transB: boolean;
  /** Elements between consecutive batch matrices (0 broadcasts one matrix to every batch). */
  aBatchStride: number; bBatchStride: number;
  /** out += A @ B instead of out = A @ B (gradient accumulation). */
  accumulate?: boolean;
  /** Added to every row of every output matrix (n elements): out = A @ B + bias, in the GEMM's own pass. */
  bias?: Float32Array;
  /** B's storage and its write count: a large B may then stay in the WASM memory between calls (a weight). */
  bResident?: { key: object; version: number };
}

const isCount = (x: number): boolean => Number.isInteger(x) && x >= 0;

/** Throws a clear error when a size is not a count or an operand is too short for its matrices. */
export function checkMatmulArgs(x: MatmulArgs): void {
  for (const key of ['batch', 'm', 'k', 'n', 'aOffset', 'bOffset', 'outOffset', 'aBatchStride', 'bBatchStride'] as const) {
    if (!isCount(x[key])) throw new RangeError(`matmulF32: ${key} must be a non-negative integer, got ${x[key]}`);
  }
  if (x.batch === 0 || x.m === 0 || x.n === 0) return;
  const span = (offset: number, stride: number, size: number) => (size === 0 ? offset : offset + (x.batch - 1) * stride + size);
  const need: [string, Float32Array, number][] = [
    ['a', x.a, span(x.aOffset, x.aBatchStride, x.m * x.k)],
    ['b', x.b, span(x.bOffset, x.bBatchStride, x.k * x.n)],
    ['out', x.out, x.outOffset + x.batch * x.m * x.n],
  ];
  if (x.bias && x.bias.length !== x.n) throw new RangeError(`matmulF32: bias has ${x.bias.length} elements, expected n = ${x.n}`);
  if (x.bias && x.accumulate) throw new RangeError('matmulF32: bias and accumulate cannot be combined');
  for (const [name, arr, end] of need) {
    if (end > arr.length) {
      throw new RangeError(`matmulF32: ${name} has ${arr.length} elements, but batch ${x.batch} x (m ${x.m}, k ${x.k}, n ${x.n}) needs ${end}`);
    }
  }
}
