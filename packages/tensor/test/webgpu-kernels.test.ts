// The WebGPU reduce, matmul, index, topk and adamw kernels against the CPU backend, on odd shapes
// (1, 3, 17, 65, 257: never a multiple of a workgroup), offsets, transposes and batch strides.
import { describe, expect, it } from 'vitest';
import type { Backend, MatmulLayout, ReduceOp, Storage } from '../src/index.js';
import { contiguousStrides, expectAllClose, expectClose, onBoth, randFloats, randInts, startWebGPU, type WebGPU } from './webgpu-oracle.js';

const gpu = await startWebGPU();
// the other matmul kernel than the one this adapter picks by default, so both are checked here
const other = gpu && (await startWebGPU({ name: 'webgpu-other-matmul', matmul: gpu.matmulKind === 'tiled' ? 'registers' : 'tiled' }));

describe.runIf(gpu)('webgpu kernels vs the CPU backend', () => {
  const g = gpu as Backend;

  describe('reduce', () => {
    const ops: ReduceOp[] = ['sum', 'max', 'min', 'argmax', 'argmin'];
    // (outer, size, inner): rows (inner 1), columns, single elements, and long rows that take the two-pass path
    const blocks: [number, number, number][] = [[1, 1, 1], [3, 17, 1], [13, 40, 1], [2, 257, 1], [2, 3000, 1], [65, 3, 1], [5, 65, 3], [4, 3, 65], [1, 17, 257], [3, 1, 17], [1, 40001, 1], [2, 20000, 1]];
    it.each(ops)('%s over (outer, size, inner) blocks, float32 and int32, with an offset', async (op) => {
      const outDType = op.startsWith('arg') ? 'int32' : undefined;
      for (const [outer, size, inner] of blocks) {
        const n = outer * size * inner, off = 3;
        const f = randFloats(n + off, n, 3);
        // ties (same value twice) and a NaN in some rows: the CPU's first-index and NaN rules
        if (n > 40) { f[off + 5] = f[off + 7 * inner]; f[off + 11] = 100; f[off + 11 + inner] = 100; }
        if (n > 100) f[off + 37] = NaN;
        const iData = randInts(n + off, n + 1, -5, 5); // many ties
        for (const data of [f, iData]) {
          const dtype = data instanceof Float32Array ? 'float32' : 'int32';
          const r = await onBoth(g, [data], [[outer * inner, outDType ?? dtype]], (b, [x], [out]) => b.reduce(op, x, off, outer, size, inner, out));
          expectAllClose(r, `${op} ${dtype} (${outer}, ${size}, ${inner})`, { rtol: 1e-5, atol: 1e-4 });
        }
      }
    });
  });

  describe('matmul', () => {
    const layouts = (m: number, k: number, n: number, batch: number, broadcastB: boolean): [MatmulLayout, number, number][] => {
      const out: [MatmulLayout, number, number][] = [];
      for (const transA of [false, true]) for (const transB of [false, true]) {
        const aOffset = 2, bOffset = 5;
        const l: MatmulLayout = { batch, m, k, n, aOffset, bOffset, transA, transB, aBatchStride: m * k, bBatchStride: broadcastB ? 0 : k * n };
        out.push([l, aOffset + batch * m * k, bOffset + (broadcastB ? 1 : batch) * k * n]);
      }
      return out;
    };
    const shapes: [number, number, number, number, boolean][] = [
      [1, 1, 1, 1, false], [3, 17, 5, 1, false], [65, 3, 17, 1, false], [17, 65, 3, 2, false], [70, 33, 65, 3, true], [1, 257, 3, 2, true], [129, 16, 1, 1, false], [5, 0, 7, 2, false],
    ];
    for (const [label, backend] of [['default kernel', () => g], ['other kernel', () => other as Backend]] as const) {
      it(`${label}: every transpose, odd shapes, batches with offsets and a broadcast B`, async () => {
        const b = backend();
        for (const [m, k, n, batch, broadcastB] of shapes) {
          for (const [l, aSize, bSize] of layouts(m, k, n, batch, broadcastB)) {
            const r = await onBoth(b, [randFloats(aSize, m + k), randFloats(bSize, k + n)], [[batch * m * n, 'float32']], (be, [a, bb], [out]) => be.matmul(a, bb, out, l));
            expectAllClose(r, `${label} matmul m=${m} k=${k} n=${n} batch=${batch} transA=${l.transA} transB=${l.transB}`, { rtol: 1e-4, atol: 1e-5 });
          }
        }
      });
    }
  });

  describe('index kernels', () => {
    it.each([[1, 1, 1, 1], [1, 17, 3, 65], [3, 5, 17, 7], [2, 257, 1, 3]])('indexSelect / indexAdd with repeated indices: (outer %i, size %i, inner %i), n = %i', async (outer, size, inner, n) => {
      const index = randInts(n, size + n, 0, size);
      if (n > 2) index[n - 1] = index[0]; // a repeat
      const x = randFloats(outer * size * inner, 1);
      const sel = await onBoth(g, [x, index], [[outer * n * inner, 'float32']], (b, [xs, is], [out]) => b.indexSelect(xs, is, outer, size, inner, n, out));
      expectAllClose(sel, 'indexSelect');
      // the scatter-add is deterministic and adds in index order: bit-identical to the CPU
      const add = await onBoth(g, [randFloats(outer * size * inner, 2), index, randFloats(outer * n * inner, 3)], [], (b, [dst, is, src]) => b.indexAdd(dst, is, src, outer, size, inner, n));
      expectAllClose(add, 'indexAdd', { rtol: 0, atol: 0 });
      const ints = await onBoth(g, [randInts(outer * size * inner, 4, -9, 9), index, randInts(outer * n * inner, 5, -9, 9)], [], (b, [dst, is, src]) => b.indexAdd(dst, is, src, outer, size, inner, n));
      expectAllClose(ints, 'indexAdd int32');
    });

    it('indexAdd with many duplicates sums them in index order (embedding backward)', async () => {
      const [size, inner, n] = [7, 33, 300];
      const index = randInts(n, 11, 0, size);
      const r = await onBoth(g, [new Float32Array(size * inner), index, randFloats(n * inner, 12)], [], (b, [dst, is, src]) => b.indexAdd(dst, is, src, 1, size, inner, n));
      expectAllClose(r, 'indexAdd duplicates', { rtol: 0, atol: 0 });
    });

    it.each([[1, 1, 1, 1], [3, 17, 5, 2], [5, 3, 1, 17], [2, 65, 3, 1], [1, 257, 1, 257]])('gather / scatterAdd: (outer %i, size %i, inner %i), n = %i', async (outer, size, inner, n) => {
      const index = randInts(outer * n * inner, size * 7 + n, 0, size);
      const g1 = await onBoth(g, [randFloats(outer * size * inner, 1), index], [[outer * n * inner, 'float32']], (b, [x, is], [out]) => b.gather(x, is, outer, size, inner, n, out));
      expectAllClose(g1, 'gather');
      const s1 = await onBoth(g, [randFloats(outer * size * inner, 2), index, randFloats(outer * n * inner, 3)], [], (b, [dst, is, src]) => b.scatterAdd(dst, is, src, outer, size, inner, n));
      expectAllClose(s1, 'scatterAdd', { rtol: 0, atol: 0 });
    });

    it('an out-of-range index is reported by the next read, with the op and the size', async () => {
      for (const op of ['indexSelect', 'gather', 'indexAdd', 'scatterAdd'] as const) {
        const x = g.fromArray(randFloats(12, 1));
        const index = g.fromArray(Int32Array.of(1, op === 'gather' || op === 'scatterAdd' ? -1 : 4, 0));
        const out = g.alloc(op === 'indexSelect' ? 12 : 3, 'float32');
        if (op === 'indexSelect') g.indexSelect(x, index, 1, 4, 3, 3, out); // (1, 4, 3) rows 1, 4, 0: row 4 does not exist
        if (op === 'indexAdd') g.indexAdd(x, index, g.fromArray(randFloats(9, 2)), 1, 4, 3, 3);
        if (op === 'gather') g.gather(x, index, 1, 12, 1, 3, out);
        if (op === 'scatterAdd') g.scatterAdd(x, index, g.fromArray(randFloats(3, 2)), 1, 12, 1, 3);
        const bad = op === 'gather' || op === 'scatterAdd' ? '-1' : '4';
        const size = op === 'gather' || op === 'scatterAdd' ? 12 : 4;
        await expect(g.read(out)).rejects.toThrow(new RegExp(`^${op}: index ${bad} is out of range for a dim of size ${size}`));
        // reported once; later reads work
        expect((await g.read(index))[0]).toBe(1);
      }
    });
  });

  describe('topk', () => {
    it.each([[1, 1, 1], [3, 17, 5], [2, 257, 257], [5, 65, 1], [4, 300, 17]])('rows %i, cols %i, k %i: descending, ties by lower index, float32 and int32', async (rows, cols, k) => {
      const f = randFloats(rows * cols, cols, 2);
      if (cols > 5) { f[2] = f[4]; f[1] = Infinity; f[3] = -Infinity; }
      for (const data of [f, randInts(rows * cols, cols, -4, 4)]) {
        const dtype = data instanceof Float32Array ? 'float32' : 'int32';
        const r = await onBoth(g, [data], [[rows * k, dtype], [rows * k, 'int32']], (b, [x], [v, i]) => b.topk(x, rows, cols, k, v, i));
        expectAllClose(r, `topk ${dtype} (${rows}, ${cols}) k=${k}`);
      }
    });
  });

  describe('adamw', () => {
    it('three fused steps match the CPU update (odd size, weight decay)', async () => {
      const n = 1001;
      const r = await onBoth(g, [randFloats(n, 1), randFloats(n, 2), new Float32Array(n), new Float32Array(n)], [], (b, [p, grad, m, v]) => {
        for (let step = 1; step <= 3; step++) b.adamw!(p, grad, m, v, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step });
      });
      expectAllClose(r, 'adamw', { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it('every kernel on 2-D grids and split batches (maxWorkgroupsPerDimension: 2)', async () => {
    const small = (await startWebGPU({ name: 'webgpu-small-grid', maxWorkgroupsPerDimension: 2 })) as Backend;
    const tol = { rtol: 1e-4, atol: 1e-5 };
    const v = (s: Storage, shape: number[]) => ({ storage: s, shape, strides: contiguousStrides(shape), offset: 0, dtype: s.dtype });
    const n = 3 * 256 + 17; // 4 workgroups: 2 x 2
    expectAllClose(await onBoth(small, [randFloats(n, 1), randFloats(n, 2)], [[n, 'float32']], (b, [x, y], [o]) => b.binary('add', v(x, [n]), v(y, [n]), o)), 'add', tol);
    expectAllClose(await onBoth(small, [randFloats(n, 3)], [[n, 'float32']], (b, [x], [o]) => b.copy(v(x, [n]), v(o, [n]))), 'copy');
    for (const [outer, size, inner] of [[3, 40, 1], [1, 9000, 1], [3, 3, 300], [2, 20, 40]]) {
      expectAllClose(await onBoth(small, [randFloats(outer * size * inner, 4)], [[outer * inner, 'int32']], (b, [x], [o]) => b.reduce('argmax', x, 0, outer, size, inner, o)), `argmax (${outer}, ${size}, ${inner})`);
    }
    for (const kind of ['webgpu-small-grid', 'webgpu-small-grid-other'] as const) {
      const b = kind === 'webgpu-small-grid' ? small : ((await startWebGPU({ name: kind, maxWorkgroupsPerDimension: 2, matmul: (small as WebGPU).matmulKind === 'tiled' ? 'registers' : 'tiled' })) as Backend);
      const l = { batch: 5, m: 70, k: 9, n: 65, aOffset: 0, bOffset: 0, transA: false, transB: true, aBatchStride: 630, bBatchStride: 585 };
      expectAllClose(await onBoth(b, [randFloats(5 * 630, 5), randFloats(5 * 585, 6)], [[5 * 70 * 65, 'float32']], (be, [x, y], [o]) => be.matmul(x, y, o, l)), `${kind} batched matmul`, tol);
    }
    const ids = randInts(40, 7, 0, 30);
    expectAllClose(await onBoth(small, [randFloats(30 * 20, 8), ids], [[40 * 20, 'float32']], (b, [x, i], [o]) => b.indexSelect(x, i, 1, 30, 20, 40, o)), 'indexSelect');
    expectAllClose(await onBoth(small, [randFloats(30 * 20, 9), ids, randFloats(40 * 20, 10)], [], (b, [d, i, s]) => b.indexAdd(d, i, s, 1, 30, 20, 40)), 'indexAdd', { rtol: 0, atol: 0 });
    const gi = randInts(800, 11, 0, 3);
    expectAllClose(await onBoth(small, [randFloats(3 * 800, 12), gi], [[800, 'float32']], (b, [x, i], [o]) => b.gather(x, i, 800, 3, 1, 1, o)), 'gather');
    expectAllClose(await onBoth(small, [randFloats(3 * 800, 13), gi, randFloats(800, 14)], [], (b, [d, i, s]) => b.scatterAdd(d, i, s, 800, 3, 1, 1)), 'scatterAdd', { rtol: 0, atol: 0 });
    expectAllClose(await onBoth(small, [randFloats(3 * 40, 15)], [[3 * 2, 'float32'], [3 * 2, 'int32']], (b, [x], [vv, ii]) => b.topk(x, 3, 40, 2, vv, ii)), 'topk');
    expectAllClose(await onBoth(small, [randFloats(n, 16), randFloats(n, 17), new Float32Array(n), new Float32Array(n)], [], (b, [p, gr, m, vv]) => {
      b.adamw!(p, gr, m, vv, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1 });
    }), 'adamw', tol);
    expect(() => small.unary('neg', v(small.alloc(5000, 'float32'), [5000]), small.alloc(5000, 'float32'))).toThrow(/exceed one dispatch \(2 per dimension\)/);
  });

  it('a dispatch grid taller than 65,535 workgroups (2^24 + 3 elements)', async () => {
    const n = 2 ** 24 + 3;
    const s = g.alloc(n, 'float32');
    g.fill({ storage: s, shape: [n], strides: [1], offset: 0, dtype: 'float32' }, 1.5);
    const data = await g.read(s);
    g.free(s);
    expectClose(data.subarray(n - 300), new Float32Array(300).fill(1.5), 'tail of a 2-D grid fill');
    expect(data[0]).toBe(1.5);
  });
});
