// Reductions over the middle axis of a contiguous (outer, size, inner) block.
import type { ReduceOp } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';

export function reduceKernel(op: ReduceOp, x: TypedArray, xOff: number, outer: number, size: number, inner: number, out: TypedArray): void {
  const isArg = op === 'argmax' || op === 'argmin';
  const better = op === 'max' || op === 'argmax' ? (v: number, b: number) => v > b || v !== v : (v: number, b: number) => v < b || v !== v;
  for (let o = 0; o < outer; o++) {
    const base = xOff + o * size * inner;
    const ob = o * inner;
    if (op === 'sum') {
      // accumulate in float64 row by row over the reduced axis: stable and cache-friendly
      const acc = new Float64Array(inner);
      for (let s = 0; s < size; s++) {
        const row = base + s * inner;
        for (let i = 0; i < inner; i++) acc[i] += x[row + i];
      }
      for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
      continue;
    }
    for (let i = 0; i < inner; i++) {
      let best = x[base + i];
      let bestIdx = 0;
      if (best === best) {
        for (let s = 1; s < size; s++) {
          const v = x[base + s * inner + i];
          if (better(v, best)) {
            best = v;
            bestIdx = s;
            if (v !== v) break; // NaN propagates, as in PyTorch
          }
        }
      }
      out[ob + i] = isArg ? bestIdx : best;
    }
  }
}
