// TEMPORARY until wasm/matmul.ts lands.
export interface MatmulArgs { a: Float32Array; aOffset: number; b: Float32Array; bOffset: number; out: Float32Array; outOffset: number; batch: number; m: number; k: number; n: number; transA: boolean; transB: boolean; aBatchStride: number; bBatchStride: number; accumulate?: boolean }
export function matmulF32(x: MatmulArgs): void {
  const { a, b, out, m, k, n } = x;
  for (let bt = 0; bt < x.batch; bt++) {
    const ao = x.aOffset + bt * x.aBatchStride, bo = x.bOffset + bt * x.bBatchStride, oo = x.outOffset + bt * m * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ao + (x.transA ? p * m + i : i * k + p)] * b[bo + (x.transB ? j * k + p : p * n + j)];
      out[oo + i * n + j] = (x.accumulate ? out[oo + i * n + j] : 0) + s;
    }
  }
}
