// The JS side of assembly/random.ts: a dropout mask drawn from a Generator's stream in
// WebAssembly, the same numbers as Generator.uniform in a JS loop, several times faster.
import { Kind, run } from './runner.js';

/** out (n) = scale where the stream's next uniform is ≥ p, else 0; `state` (xoshiro128**'s 4 words) advances as n uniform() calls. */
export function dropoutMaskWasm(state: Uint32Array, n: number, p: number, scale: number, out: Float32Array): boolean {
  const words = new Float32Array(state.buffer, state.byteOffset, 4); // the words' bits, copied in and back as they are
  return run({
    kind: Kind.DROPOUT, units: 1, rowLength: 1, elements: 0, // one stream: one thread
    operands: () => [{ src: words, dst: words, size: 4 }, { dst: out, size: n }],
    args: (ptrs, i32, f32) => {
      i32[3] = ptrs[0]; i32[4] = ptrs[1]; i32[5] = n; f32[6] = scale;
      new Float64Array(i32.buffer, i32.byteOffset + 32, 1)[0] = p; // slots 8-9: p in float64, as uniform() compares it
    },
  });
}
