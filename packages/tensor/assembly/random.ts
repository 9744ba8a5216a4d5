// Dropout masks drawn from a Generator's stream (src/random.ts) in WebAssembly: xoshiro128**, two
// draws per uniform in [0, 1) with 53 bits, exactly as Generator.uniform, so a seed gives the same
// mask bit for bit as the JS loop. One stream, so one thread.
//
// Arguments (slots at `args`, written by src/backends/cpu/wasm/random.ts): 3 state (byte address of
// the 4 u32 words, advanced in place), 4 out, 5 n, 6 scale (f32), 8-9 p (f64).

/** out[i] = scale where the i-th uniform is ≥ p, else 0; the state stays in locals until the end. */
export function dropoutMask(args: usize): void {
  const st = <usize>(<u32>load<i32>(args + 12)), out = <usize>(<u32>load<i32>(args + 16)), n = load<i32>(args + 20);
  const scale = load<f32>(args + 24), p = load<f64>(args + 32);
  let s0 = load<u32>(st), s1 = load<u32>(st + 4), s2 = load<u32>(st + 8), s3 = load<u32>(st + 12);
  for (let i = 0; i < n; i++) {
    // two xoshiro128** steps (Generator.nextUint32): result from s1, then the state update
    const hi = (rotl<u32>(s1 * 5, 7) * 9) >>> 5;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const lo = (rotl<u32>(s1 * 5, 7) * 9) >>> 6;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const u = (<f64>hi * 67108864.0 + <f64>lo) * 1.1102230246251565e-16; // / 2^53, exactly
    store<f32>(out + <usize>i * 4, u >= p ? scale : 0);
  }
  store<u32>(st, s0);
  store<u32>(st + 4, s1);
  store<u32>(st + 8, s2);
  store<u32>(st + 12, s3);
}
