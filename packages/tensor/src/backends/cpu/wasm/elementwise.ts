// The JS side of assembly/elementwise.ts: binary ops and strided copies over views that live in
// the kernels' heap, split over the threads a block of a row at a time. The views' dims are
// merged where every operand is contiguous across them (strided.ts), so the kernel sees 4 at most.
import { numel } from '../../../shape.js';
import { collapseDims } from '../strided.js';
import { wasmContext } from './matmul.js';
import { Kind, run } from './runner.js';

/** Op codes of assembly/elementwise.ts. */
export const wasmBinaryCodes = { add: 1, sub: 2, mul: 3, div: 4, maximum: 5, minimum: 6 } as const;
export type WasmBinaryOp = keyof typeof wasmBinaryCodes;
const COPY = 7, WHERE = 8;
const BLOCK = 4096; // elements of a unit (assembly/elementwise.ts BLOCK)
const MAX_DIMS = 4;

/** A float32 view: its array, element offset and strides. */
export interface StridedF32 { data: Float32Array; offset: number; strides: readonly number[] }

/** out = a op b over `shape` (a, b and out already broadcast to it); false when a view is not in the heap or needs more than 4 dims. */
export function binaryWasm(op: WasmBinaryOp, shape: readonly number[], a: StridedF32, b: StridedF32, out: StridedF32): boolean {
  return elementwise(wasmBinaryCodes[op], shape, a, b, out);
}

/** out = src over `shape` (two different storages: the threads write while others read). */
export function copyWasm(shape: readonly number[], src: StridedF32, out: StridedF32): boolean {
  return elementwise(COPY, shape, src, src, out);
}

/** out = cond != 0 ? a : b over `shape` (all broadcast to it); cond is float32 (NaN counts as true, −0 as false, as in the JS kernel). */
export function whereWasm(shape: readonly number[], cond: StridedF32, a: StridedF32, b: StridedF32, out: StridedF32): boolean {
  return elementwise(WHERE, shape, a, b, out, cond);
}

function elementwise(op: number, shape: readonly number[], a: StridedF32, b: StridedF32, out: StridedF32, cond?: StridedF32): boolean {
  const ctx = wasmContext();
  if (!ctx || !ctx.heap.owns(a.data) || !ctx.heap.owns(b.data) || !ctx.heap.owns(out.data) || (cond && !ctx.heap.owns(cond.data))) return false;
  const size = numel(shape);
  if (size === 0) return true;
  const c = collapseDims(shape, [a.strides, b.strides, out.strides, (cond ?? a).strides]);
  const nd = c.shape.length;
  if (nd > MAX_DIMS) return false;
  const n = c.shape[nd - 1], blocks = Math.ceil(n / BLOCK);
  const at = (t: StridedF32) => t.data.byteOffset + t.offset * 4;
  return run({
    kind: Kind.ELEMENTWISE, units: (size / n) * blocks, rowLength: 1, elements: size,
    operands: () => [],
    args: (_p, x) => {
      x[3] = op; x[4] = at(a); x[5] = at(b); x[6] = at(out); x[7] = nd;
      for (let d = 0; d < nd; d++) {
        x[8 + d] = c.shape[d]; x[12 + d] = c.strides[0][d]; x[16 + d] = c.strides[1][d]; x[20 + d] = c.strides[2][d]; x[26 + d] = c.strides[3][d];
      }
      x[24] = blocks; x[25] = cond ? at(cond) : 0;
    },
  });
}
