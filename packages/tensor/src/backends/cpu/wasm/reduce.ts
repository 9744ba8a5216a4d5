// The JS side of assembly/reduce.ts: sums over the middle axis of (outer, size, inner) blocks that
// live in the kernels' heap, in float64 in the JS kernel's order (the same result bit for bit),
// split over the threads by rows (inner = 1) or 16-column blocks.
import { wasmContext } from './matmul.js';
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
