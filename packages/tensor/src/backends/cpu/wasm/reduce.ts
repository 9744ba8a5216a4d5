// The JS side of assembly/reduce.ts: sums (in float64 in the JS kernel's order, the same result bit
// for bit) and max/min/argmax/argmin (the JS kernel's ties and NaN rule) over the middle axis of
// (outer, size, inner) blocks that live in the kernels' heap, split over the threads by rows
// (inner = 1) or 16-column blocks.
import { wasmContext } from './matmul.js';
import type { ReduceOp } from '../../../backend.js';
import { Kind, run } from './runner.js';

const COLUMNS = 16; // assembly/reduce.ts COLUMNS

/** out (outer, inner) = Σ over size of x (outer, size, inner) from element xOffset; false when x or out is not in the heap. */
export function sumWasm(x: Float32Array, xOffset: number, outer: number, size: number, inner: number, out: Float32Array): boolean {
  const ctx = wasmContext();
  if (!ctx || !ctx.heap.owns(x) || !ctx.heap.owns(out)) return false;
  const blocks = Math.ceil(inner / COLUMNS);
  return run({
    kind: Kind.SUM, units: outer * blocks, rowLength: 1, elements: outer * size * inner,
    operands: () => [],
    args: (_p, a) => { a[3] = x.byteOffset + xOffset * 4; a[4] = out.byteOffset; a[5] = size; a[6] = inner; a[7] = blocks; },
  });
}

const extremeModes = { max: 1, min: 2, argmax: 3, argmin: 4 } as const;

/**
 * out (outer, inner) = max/min (float32) or argmax/argmin (int32 indices) over size of x (outer, size,
 * inner); false when x is not in the heap. out is written in place where it lives in the heap, else
 * copied out (an int32 out through a float32 view of its bytes: same-type copies keep every bit).
 */
export function extremeWasm(op: Exclude<ReduceOp, 'sum'>, x: Float32Array, xOffset: number, outer: number, size: number, inner: number,
  out: Float32Array | Int32Array): boolean {
  const ctx = wasmContext();
  if (!ctx || !ctx.heap.owns(x)) return false;
  const blocks = Math.ceil(inner / COLUMNS), count = outer * inner;
  const dst = out instanceof Float32Array ? out : new Float32Array(out.buffer, out.byteOffset, out.length);
  return run({
    kind: Kind.EXTREME, units: outer * blocks, rowLength: 1, elements: outer * size * inner,
    operands: () => [{ dst, size: count }],
    args: (p, a) => { a[3] = x.byteOffset + xOffset * 4; a[4] = p[0]; a[5] = size; a[6] = inner; a[7] = blocks; a[8] = extremeModes[op]; },
  });
}
