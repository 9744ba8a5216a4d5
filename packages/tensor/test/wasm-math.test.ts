// Accuracy of the WebAssembly SIMD exp / log / tanh / sigmoid / GELU over the whole float32 range: a
// stride through every bit pattern (about a million inputs, both signs, denormals, huge
// magnitudes) plus ±0, ±inf, NaN and the edges of over- and underflow, against float64 references.
// The bounds asserted here are the ones the README's accuracy table gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMatmulKernel } from '../src/index.js';
import { unaryWasm, type WasmUnaryOp } from '../src/backends/cpu/wasm/ops.js';
import { unaryRow } from '../src/backends/cpu/elementwise.js';

/** Ops the WASM kernel computes exactly as the JS kernel (one float32 or float64 rounding, the same one). */
const EXACT = ['neg', 'abs', 'sqrt', 'rsqrt', 'relu'] as const;
type Exact = (typeof EXACT)[number];

const K0 = Math.sqrt(2 / Math.PI), K1 = 0.044715;
type Approximated = Exclude<WasmUnaryOp, Exact>;
/** float64 references, in forms without cancellation (x·σ(2u) for GELU). */
const reference: Record<Approximated, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  gelu: (x) => (x === -Infinity ? NaN : x / (1 + Math.exp(-2 * K0 * x * (1 + K1 * x * x)))),
  geluGrad: (x) => {
    if (Number.isNaN(x)) return NaN;
    if (Math.abs(x) > 10) return x > 0 ? 1 : 0;
    const u2 = 2 * K0 * x * (1 + K1 * x * x), e = Math.exp(-u2), s = 1 / (1 + e);
    return s + 2 * x * e * s * s * K0 * (1 + 3 * K1 * x * x);
  },
};
const FLT_MIN = 1.1754943508222875e-38;
/**
 * Max error in float32 ulps where |true value| ≥ floor, and absolute error below it. GELU's
 * negative side carries the float32 rounding of its argument 2u (up to ~1e-6 relative where
 * 2u ≈ −20, as any float32 evaluation of the formula); its gradient is judged by absolute error only,
 * since it crosses zero (x ≈ −0.75) where no ulp bound can hold.
 */
const bounds: Record<Approximated, { ulp: number; floor: number; abs: number }> = {
  exp: { ulp: 1, floor: FLT_MIN, abs: 1e-45 },
  log: { ulp: 1, floor: FLT_MIN, abs: 1e-45 },
  tanh: { ulp: 1, floor: FLT_MIN, abs: 1e-45 },
  sigmoid: { ulp: 2, floor: FLT_MIN, abs: 1e-45 },
  gelu: { ulp: 32, floor: 1e-5, abs: 1e-10 },
  geluGrad: { ulp: Infinity, floor: Infinity, abs: 3e-7 },
};

function inputs(): Float32Array {
  const bits = new Uint32Array(1 << 20);
  const step = Math.floor(2 ** 32 / bits.length) + 1; // odd: visits every exponent and many mantissas
  for (let i = 0; i < bits.length; i++) bits[i] = (i * step) >>> 0;
  const x = new Float32Array(bits.buffer);
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, 88.72, 88.73, -87.33, -103.9, -104, 9, -9, 10, -10, 0.625, -0.625];
  x.set(special);
  // dense in the range where the functions are not constant
  for (let i = 0; i < 65536; i++) x[special.length + i] = -20 + (40 * i) / 65536;
  return x;
}

function ulpDistance(a: number, b: number): number {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (v: number) => (v < 0 ? 0x80000000 - v : v); // monotonic in the float order
  return Math.abs(key(i[0]) - key(i[1]));
}

// both builds: relaxed SIMD (fused multiply-add may round once instead of twice) and plain SIMD
describe.each(['relaxed', 'simd'] as const)('WebAssembly SIMD transcendental functions (%s build)', (kind) => {
  beforeAll(() => setMatmulKernel(kind));
  afterAll(() => setMatmulKernel('auto'));
  const x = inputs();
  it.each(Object.keys(reference) as Approximated[])('%s: within its documented error over all float32 inputs', (op) => {
    const out = new Float32Array(x.length);
    expect(unaryWasm(op, x, out)).toBe(true);
    let maxUlp = 0, maxAbs = 0;
    for (let i = 0; i < x.length; i++) {
      const want = reference[op](x[i]), got = out[i];
      if (Number.isNaN(want)) {
        if (!Number.isNaN(got)) throw new Error(`${op}(${x[i]}) = ${got}, expected NaN`);
        continue;
      }
      if (!Number.isFinite(want) || Math.fround(want) === Infinity || Math.fround(want) === -Infinity) {
        if (got !== Math.fround(want)) throw new Error(`${op}(${x[i]}) = ${got}, expected ${Math.fround(want)}`);
        continue;
      }
      if (Math.abs(want) >= bounds[op].floor) maxUlp = Math.max(maxUlp, ulpDistance(got, Math.fround(want)));
      else maxAbs = Math.max(maxAbs, Math.abs(got - want));
    }
    console.log(`${op}: max ${maxUlp} ulp where |f(x)| >= ${bounds[op].floor}, max abs error ${maxAbs.toExponential(2)} below`);
    expect(maxUlp).toBeLessThanOrEqual(bounds[op].ulp);
    expect(maxAbs).toBeLessThanOrEqual(bounds[op].abs);
  });

  it.each(EXACT)('%s: bit for bit the JS kernel over all float32 inputs', (op) => {
    const out = new Float32Array(x.length), want = new Float32Array(x.length);
    expect(unaryWasm(op, x, out)).toBe(true);
    unaryRow(op, x, 0, 1, want, 0, x.length);
    const got = new Uint32Array(out.buffer), expected = new Uint32Array(want.buffer);
    for (let i = 0; i < x.length; i++) {
      // any NaN matches any NaN (payloads are not specified); everything else to the bit, −0 included
      if (got[i] !== expected[i] && !(Number.isNaN(out[i]) && Number.isNaN(want[i]))) throw new Error(`${op}(${x[i]}) = ${out[i]}, JS kernel ${want[i]}`);
    }
  });

  it('special values: exp(±inf), exp of under- and overflow, tanh and sigmoid saturate, NaN propagates', () => {
    const x = Float32Array.of(Infinity, -Infinity, NaN, 89, -104, -90, 0, 20, -20);
    const out = new Float32Array(x.length);
    unaryWasm('exp', x, out);
    expect(Array.from(out.subarray(0, 5))).toEqual([Infinity, 0, NaN, Infinity, 0]);
    expect(out[5]).toBeCloseTo(Math.exp(-90), 45); // a denormal
    expect(out[6]).toBe(1);
    unaryWasm('tanh', x, out);
    expect([out[0], out[1], out[7], out[8]]).toEqual([1, -1, 1, -1]);
    expect(out[2]).toBeNaN();
    unaryWasm('sigmoid', x, out);
    expect([out[0], out[1], out[7]]).toEqual([1, 0, 1]);
    const y = Float32Array.of(0, -0, Infinity, -Infinity, NaN, -1, 1, 1e-45, Math.E, 3.4028234663852886e38);
    const logs = new Float32Array(y.length);
    unaryWasm('log', y, logs);
    expect(Array.from(logs.subarray(0, 4))).toEqual([-Infinity, -Infinity, Infinity, NaN]);
    expect([logs[4], logs[5]]).toEqual([NaN, NaN]);
    expect(logs[6]).toBe(0);
    expect(logs[7]).toBe(Math.fround(Math.log(y[7]))); // the smallest denormal, 2^-149: ln = −103.28
    expect(logs[8]).toBeCloseTo(1, 7); // 1 ulp below the correctly rounded 0.99999994
    expect(logs[9]).toBe(Math.fround(Math.log(3.4028234663852886e38)));
  });
});
