// The WebGPU elementwise kernels (copy, fill, unary, binary, where) against the CPU backend, on odd
// sizes, strided and offset views, broadcasting (0 strides) and special values.
import { describe, expect, it } from 'vitest';
import type { Backend, BinaryOp, TypedArray, UnaryOp } from '../src/index.js';
import {
  contiguousStrides, expectAllClose, ODD, onBoth, randFloats, randInts, startWebGPU, view,
} from './webgpu-oracle.js';

const gpu = await startWebGPU();

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 3, -3, 10, -10, 20, -20, 88, 89, -100, 1e-30, 1e30, NaN, Infinity, -Infinity];
const specialFloats = (n: number, seed: number) => {
  const d = randFloats(n, seed, 4);
  d.set(SPECIAL.slice(0, Math.min(n, SPECIAL.length)));
  return d;
};

describe.runIf(gpu)('webgpu elementwise kernels vs the CPU backend', () => {
  const g = gpu as Backend;

  describe('copy', () => {
    it.each(ODD)('contiguous, every other element, into a strided window (n = %i)', async (n) => {
      const src = randFloats(2 * n + 3, n);
      // src: every other element from offset 3; dst: every third element from offset 1 (the rest stays 0)
      const r = await onBoth(g, [src], [[3 * n + 1, 'float32']], (b, [s], [d]) => {
        b.copy(view(s, [n], [2], 3), view(d, [n], [3], 1));
      });
      expectAllClose(r, `copy n=${n}`);
      const whole = await onBoth(g, [src], [[src.length, 'float32']], (b, [s], [d]) => b.copy(view(s, [src.length]), view(d, [src.length])));
      expectAllClose(whole, `copy contiguous n=${src.length}`);
    });

    it('transposed and permuted views, both ways, int32 too', async () => {
      for (const [a, bb, c] of [[3, 5, 7], [1, 17, 2], [65, 3, 1], [4, 1, 33]]) {
        const shape = [a, bb, c];
        const data = randInts(a * bb * c, a + bb + c, -1000, 1000);
        const st = contiguousStrides(shape);
        // read x.permute(2, 0, 1), write into out.permute(1, 2, 0) of a (b, c, a)-shaped buffer
        const r = await onBoth(g, [data], [[data.length, 'int32']], (b, [s], [d]) => {
          const pShape = [c, a, bb];
          const outStrides = contiguousStrides([bb, c, a]); // out (b, c, a) read as (c, a, b)
          b.copy(view(s, pShape, [st[2], st[0], st[1]]), view(d, pShape, [outStrides[1], outStrides[2], outStrides[0]]));
        });
        expectAllClose(r, `permuted copy ${shape}`);
      }
    });

    it('source and destination overlapping in one storage read the source as it was (as TypedArray.set)', async () => {
      const r = await onBoth(g, [randFloats(40, 3)], [], (b, [s]) => b.copy(view(s, [3, 10], [10, 1], 0), view(s, [3, 10], [10, 1], 7)));
      expectAllClose(r, 'overlapping copy');
    });

    it('broadcast source (0 strides) and size-1 dims', async () => {
      const r = await onBoth(g, [randFloats(17, 1)], [[5 * 17 * 3, 'float32']], (b, [s], [d]) => {
        b.copy(view(s, [5, 17, 1, 3], [0, 1, 99, 0]), view(d, [5, 17, 1, 3]));
      });
      expectAllClose(r, 'broadcast copy');
    });
  });

  describe('fill', () => {
    it('fills a strided window of a reused (pooled) buffer, leaving the rest zero', async () => {
      // dirty the pool with a buffer of the same size first
      const junk = g.fromArray(new Float32Array(200).fill(7));
      g.free(junk);
      for (const [dtype, value] of [['float32', -Infinity], ['float32', 2.5], ['int32', 2.5], ['int32', -7.9]] as const) {
        const r = await onBoth(g, [], [[200, dtype]], (b, _, [d]) => b.fill(view(d, [3, 17], [60, 3], 5), value));
        expectAllClose(r, `fill ${dtype} ${value}`);
      }
    });

    it('a freshly allocated storage reads as zeros even when its buffer is reused', async () => {
      const junk = g.fromArray(new Float32Array(1000).fill(3));
      g.free(junk);
      const s = g.alloc(1000, 'float32');
      expect(Array.from(await g.read(s)).every((v) => v === 0)).toBe(true);
      g.free(s);
    });
  });

  describe('unary', () => {
    const ops: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'tanh', 'relu', 'sigmoid', 'abs', 'sign'];
    it.each(ops)('%s on float32: special values, odd sizes, a strided view', async (op) => {
      for (const n of ODD) {
        const data = specialFloats(2 * n + 1, n);
        const r = await onBoth(g, [data], [[n, 'float32']], (b, [x], [out]) => b.unary(op, view(x, [n], [2], 1), out));
        expectAllClose(r, `${op} n=${n}`, { rtol: 1e-5, atol: 1e-6 });
      }
      const shape = [3, 17, 5];
      const r = await onBoth(g, [randFloats(255, 9, 3)], [[255, 'float32']], (b, [x], [out]) => b.unary(op, view(x, shape, [1, 15, 3]), out));
      expectAllClose(r, `${op} transposed view`, { rtol: 1e-5, atol: 1e-6 });
    });

    // GELU is no unary primitive: both backends offer it as the optional fused kernels (CPU: WebAssembly)
    it('fused gelu and geluBackward: special values, odd sizes, from an offset', async () => {
      for (const n of ODD) {
        const x = specialFloats(n + 2, n), gr = randFloats(n + 1, n + 1);
        const r = await onBoth(g, [x, gr], [[n, 'float32'], [n, 'float32']], (b, [xs, gs], [out, dx]) => {
          expect(b.gelu!(xs, 2, n, out)).toBe(true);
          expect(b.geluBackward!(xs, 2, gs, 1, n, dx)).toBe(true);
        });
        expectAllClose(r, `gelu n=${n}`, { rtol: 1e-5, atol: 1e-6 });
      }
    });

    it.each(['neg', 'abs', 'sign', 'relu'] as UnaryOp[])('%s on int32 stays integer (wrapping as an Int32Array does)', async (op) => {
      const data = randInts(257, 4, -50, 50);
      data.set([0, 1, -1, 2147483647, -2147483648]);
      const r = await onBoth(g, [data], [[257, 'int32']], (b, [x], [out]) => b.unary(op, view(x, [257]), out));
      expectAllClose(r, `${op} int32`);
    });

    it('cast: float → int truncates toward zero and wraps like ToInt32; int → float rounds', async () => {
      const f = Float32Array.from([0.5, -0.5, 1.9, -1.9, 2147483520, 2147483648, -2147483648, -2147483904, 3e9, -3e9, 1e10, 1e20, NaN, Infinity, -Infinity, -0, 17.99]);
      const r = await onBoth(g, [f], [[f.length, 'int32']], (b, [x], [out]) => b.unary('cast', view(x, [f.length]), out));
      expectAllClose(r, 'cast float→int');
      const i = Int32Array.from([0, 1, -1, 16777217, -16777219, 2147483647, -2147483648, 123456789]);
      const r2 = await onBoth(g, [i], [[i.length, 'float32']], (b, [x], [out]) => b.unary('cast', view(x, [i.length]), out));
      expectAllClose(r2, 'cast int→float', { rtol: 0, atol: 0 });
    });
  });

  describe('binary', () => {
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
    // a (3, 1, 17) and b (1, 4, 17) broadcast to (3, 4, 17); b is also read through a strided window
    it.each(ops)('%s on float32 with broadcasting and special values', async (op) => {
      const a = specialFloats(3 * 17, 1);
      const bData = randFloats(2 * 4 * 17 + 5, 2, 3);
      bData.set([0, -0, NaN, 1, -1, Infinity, -Infinity, 0.5, 2, 3], 5);
      bData.set(a.subarray(0, 17), 5 + 2 * 17); // equal pairs for eq / le / ge
      const outShape = [3, 4, 17];
      const r = await onBoth(g, [a, bData], [[3 * 4 * 17, op === 'eq' ? 'float32' : 'float32']], (b, [x, y], [out]) => {
        b.binary(op, view(x, outShape, [17, 0, 1]), view(y, outShape, [0, 2 * 17, 1], 5), out);
      });
      expectAllClose(r, `${op} float32`, { rtol: 1e-5, atol: 1e-6 });
    });

    it('pow: negative bases, zeros, infinities and NaN as Math.pow', async () => {
      const bases = Float32Array.from([-2, -0.5, 0, -0, 2, NaN, Infinity, -Infinity, 1, -1, 3.7]);
      const exps = Float32Array.from([0, 1, 2, 3, -1, 0.5, -0.5, 2.5, -3, Infinity, -Infinity, NaN, -2]);
      const shape = [bases.length, exps.length];
      const r = await onBoth(g, [bases, exps], [[bases.length * exps.length, 'float32']], (b, [x, y], [out]) => {
        b.binary('pow', view(x, shape, [1, 0]), view(y, shape, [0, 1]), out);
      });
      expectAllClose(r, 'pow table', { rtol: 1e-5, atol: 0 });
    });

    it.each(ops.filter((o) => o !== 'pow'))('%s on int32 (division by zero gives 0, overflow wraps)', async (op) => {
      const a = randInts(65, 3, -40000, 40000);
      const bb = randInts(65, 4, -40000, 40000);
      a.set([7, -7, 5, 2147483647, -2147483648, 0, 65536]);
      bb.set([2, 2, 0, 1, -1, 0, 65536]);
      const outDType = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op) ? 'float32' : 'int32';
      const r = await onBoth(g, [a, bb], [[65, outDType]], (b, [x, y], [out]) => b.binary(op, view(x, [65]), view(y, [65]), out));
      expectAllClose(r, `${op} int32`);
    });
  });

  describe('where', () => {
    it('float and int conditions (±0 false, NaN true), all three broadcast', async () => {
      const shape = [5, 3, 17];
      for (const condInt of [false, true]) {
        const cond: TypedArray = condInt ? Int32Array.from({ length: 17 }, (_, i) => (i % 3) - 1) : Float32Array.from({ length: 17 }, (_, i) => [0, -0, 1, NaN, -2, Infinity][i % 6]);
        const r = await onBoth(g, [cond, randFloats(5 * 3, 1), randFloats(3 * 17 + 2, 2)], [[5 * 3 * 17, 'float32']], (b, [c, x, y], [out]) => {
          b.where(view(c, shape, [0, 0, 1]), view(x, shape, [3, 1, 0]), view(y, shape, [0, 17, 1], 2), out);
        });
        expectAllClose(r, `where cond ${condInt ? 'int32' : 'float32'}`);
      }
      const ints = await onBoth(g, [Float32Array.of(1, 0, 1), randInts(3, 5, -9, 9), randInts(3, 6, -9, 9)], [[3, 'int32']], (b, [c, x, y], [out]) => {
        b.where(view(c, [3]), view(x, [3]), view(y, [3]), out);
      });
      expectAllClose(ints, 'where int32 values');
    });
  });
});
