// Binary ops, where and copies in WebAssembly (assembly/elementwise.ts) against float32 arithmetic done
// here element by element (Math.fround of the float64 result, which rounds as float32 does), with
// the JS kernels' NaN and signed-zero choices for maximum/minimum; on contiguous, broadcast,
// transposed and many-dim views, and on special values. Every case is large enough for the
// WebAssembly path, which the profile confirms ran (a 5-dim case that cannot merge to 4 runs in JS).
import { describe, expect, it } from 'vitest';
import { add, cpu, div, fromTypedArray, maximum, minimum, mul, sub, type Tensor, tidy, where, withProfile } from '../src/index.js';
import { floats } from './helpers/ref.js';

const ops = {
  add: [add, (x: number, y: number) => x + y],
  sub: [sub, (x: number, y: number) => x - y],
  mul: [mul, (x: number, y: number) => x * y],
  div: [div, (x: number, y: number) => x / y],
  maximum: [maximum, (x: number, y: number) => (x > y || x !== x ? x : y)],
  minimum: [minimum, (x: number, y: number) => (x < y || x !== x ? x : y)],
} as const;

/** Element i of a view (logical row-major index) of data with these strides. */
const at = (data: Float32Array, shape: readonly number[], strides: readonly number[], offset: number, i: number) => {
  let o = offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    o += (i % shape[d]) * strides[d];
    i = Math.floor(i / shape[d]);
  }
  return data[o];
};

const special = Float32Array.from([Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -3e-39, 3.4e38, -1, 2.5]);

/** Inputs: a (shape) and b (bShape, broadcast to shape), with specials sprinkled in; a transposed when asked. */
function operands(shape: number[], bShape: number[], transposeA: boolean) {
  const n = shape.reduce((p, d) => p * d, 1), nb = bShape.reduce((p, d) => p * d, 1);
  const aData = floats(n, 3, -4, 4), bData = floats(nb, 4, -4, 4);
  for (let i = 0; i < n; i += 97) aData[i] = special[(i / 97) % special.length | 0];
  for (let i = 0; i < nb; i += 89) bData[i] = special[(i / 89 + 3) % special.length | 0];
  let a: Tensor;
  if (transposeA) {
    const [r, c] = [shape[shape.length - 1], shape[shape.length - 2]]; // stored with the last two dims swapped
    a = fromTypedArray(aData, [...shape.slice(0, -2), r, c]).transpose(-1, -2);
  } else a = fromTypedArray(aData, shape);
  return { a, b: fromTypedArray(bData, bShape), aData, bData };
}

const cases: [string, number[], number[], boolean][] = [
  ['contiguous', [64, 300], [64, 300], false],
  ['a row broadcast (a bias)', [96, 257], [257], false],
  ['a column broadcast (stride 0 along the last dim)', [300, 40], [300, 1], false],
  ['a scalar', [10_001], [1], false],
  ['a transposed operand', [130, 90], [130, 90], true],
  ['4 dims, broadcast in the middle', [3, 5, 7, 97], [3, 1, 7, 97], false],
  ['5 dims that do not merge (JS)', [3, 2, 5, 7, 41], [3, 1, 5, 1, 41], false],
];

describe.each(Object.keys(ops) as (keyof typeof ops)[])('%s', (name) => {
  const [op, ref] = ops[name];
  it.each(cases)('%s', async (_label, shape, bShape, transposeA) => {
    const { a, b, aData, bData } = operands(shape, bShape, transposeA);
    const { result: out, profile } = await withProfile(cpu, () => tidy(() => op(a, b)));
    const got = out.dataSync();
    const bStrides = bShape.map((_, d) => (bShape[d] === 1 ? 0 : bShape.slice(d + 1).reduce((p, x) => p * x, 1)));
    const bFull = [...Array(shape.length - bShape.length).fill(0), ...bStrides];
    const bad: string[] = [];
    for (let i = 0; i < got.length && bad.length < 5; i++) {
      const x = at(aData, a.shape, a.strides, a.offset, i), y = at(bData, shape, bFull, 0, i);
      const want = Math.fround(ref(x, y));
      if (!Object.is(got[i], want)) bad.push(`[${i}] ${name}(${x}, ${y}) = ${got[i]}, want ${want}`);
    }
    expect(bad).toEqual([]);
    expect(profile.has('wasm elementwise compute (part)')).toBe(shape.length <= 4);
  });
});

describe('where', () => {
  // cond's shape, a's, b's (each broadcast to the largest), and whether it can run in WebAssembly
  const whereCases: [string, number[], number[], number[], boolean][] = [
    ['all the same shape', [64, 300], [64, 300], [64, 300], true],
    ['a mask row, a scalar b (masked fill)', [1, 257], [96, 257], [1], true],
    ['a column mask, a row of a', [300, 1], [40], [300, 40], true],
    ['4 dims, broadcast in the middle', [3, 1, 7, 97], [3, 5, 7, 97], [1, 5, 1, 97], true],
    ['5 dims that do not merge (JS)', [3, 1, 5, 1, 41], [3, 2, 5, 7, 41], [3, 2, 5, 7, 41], false],
  ];
  it.each(whereCases)('%s: picks as cond !== 0 (NaN true, -0 false)', async (_label, cShape, aShape, bShape, inWasm) => {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const cData = floats(size(cShape), 5, -1, 1).map((v) => (v < -0.3 ? 0 : v));
    for (let i = 0; i < cData.length; i += 13) cData[i] = special[(i / 13) % special.length | 0];
    const aData = floats(size(aShape), 6, -4, 4), bData = floats(size(bShape), 7, -4, 4);
    const [c, a, b] = [fromTypedArray(cData, cShape), fromTypedArray(aData, aShape), fromTypedArray(bData, bShape)];
    const { result: out, profile } = await withProfile(cpu, () => tidy(() => where(c, a, b)));
    const shape = out.shape, got = out.dataSync();
    // a view's strides broadcast to `shape` (0 where it has size 1 or lacks the dim)
    const strides = (s: number[]) => {
      const full = [...Array(shape.length - s.length).fill(1), ...s];
      return full.map((d, i) => (d === 1 ? 0 : full.slice(i + 1).reduce((p, x) => p * x, 1)));
    };
    const bad: string[] = [];
    for (let i = 0; i < got.length && bad.length < 5; i++) {
      const cv = at(cData, shape, strides(cShape), 0, i);
      const want = cv !== 0 ? at(aData, shape, strides(aShape), 0, i) : at(bData, shape, strides(bShape), 0, i);
      if (!Object.is(got[i], want)) bad.push(`[${i}] where(${cv}) = ${got[i]}, want ${want}`);
    }
    expect(bad).toEqual([]);
    expect(profile.has('wasm elementwise compute (part)')).toBe(inWasm);
  });
});

describe('copies', () => {
  it('a transposed and a sliced view copy exactly, in WebAssembly', async () => {
    const data = floats(200 * 180, 9, -1, 1);
    const x = fromTypedArray(data, [200, 180]);
    const { result, profile } = await withProfile(cpu, () => tidy(() => ({ t: x.transpose(0, 1).contiguous(), s: x.narrow(1, 3, 150).contiguous() })));
    const t = result.t.dataSync(), s = result.s.dataSync();
    for (let i = 0; i < 180; i++) for (let j = 0; j < 200; j++) expect(t[i * 200 + j]).toBe(data[j * 180 + i]);
    for (let i = 0; i < 200; i++) for (let j = 0; j < 150; j++) expect(s[i * 150 + j]).toBe(data[i * 180 + j + 3]);
    expect(profile.get('wasm elementwise compute (part)')?.calls).toBe(2);
  });
});
