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
 * out (outer, inner) = max/min (float32 out, in the heap) or argmax/argmin (int32 out, anywhere: the
 * kernel writes the indices into scratch) over size of x (outer, size, inner); false when x is not in the heap.
 */
export function extremeWasm(op: Exclude<ReduceOp, 'sum'>, x: Float32Array, xOffset: number, outer: number, size: number, inner: number,
  out: Float32Array | Int32Array): boolean {
  const ctx = wasmContext();
  const isArg = op === 'argmax' || op === 'argmin';
  if (!ctx || !ctx.heap.owns(x) || isArg !== out instanceof Int32Array || (!isArg && !ctx.heap.owns(out))) return false;
  const blocks = Math.ceil(inner / COLUMNS), count = outer * inner;
  return run({
    kind: Kind.EXTREME, units: outer * blocks, rowLength: 1, elements: outer * size * inner,
    operands: () => (isArg ? [{ size: count }] : []),
    args: (p, a) => { a[3] = x.byteOffset + xOffset * 4; a[4] = isArg ? p[0] : out.byteOffset; a[5] = size; a[6] = inner; a[7] = blocks; a[8] = extremeModes[op]; },
    finish: isArg ? (heap, at) => out.set(new Int32Array(heap.buffer, heap.byteOffset + at[0] * 4, count)) : undefined,
  });
}
