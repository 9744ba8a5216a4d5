// Making tensors: from nested arrays and typed arrays, filled, ranges, identity, triangles,
// dtypes and casts, clone/detach; then the CPU backend's synchronous readback.
import { describe, expect, it } from 'vitest';
import {
  arange, cpu, eye, fromTypedArray, full, getBackend, ones, randn, setBackend, tensor, tril, triu, zeros,
} from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose, expectTensor } from './helpers/close.js';

describe.each(testBackends())('creation (%s)', (backend) => {
  useBackend(backend);

  it('new tensors go to the current backend, or to the one named in the options', () => {
    expect(getBackend().name).toBe(backend);
    expect(zeros([2]).backend.name).toBe(backend);
    expect(zeros([2], { backend: 'cpu' }).backend).toBe(cpu);
    expect(ones([1], { backend }).backend.name).toBe(backend);
  });

  it('from nested arrays: shape, float32 by default, values row-major', async () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe('float32');
    expect(t.ndim).toBe(2);
    expect(t.size).toBe(6);
    expect(await t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const d = await t.data();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a number is a 0-d tensor; [] is an empty 1-d tensor', async () => {
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(await s.item()).toBe(2.5);
    expect(await s.toArray()).toBe(2.5);
    const e = tensor([]);
    expect(e.shape).toEqual([0]);
    expect((await e.data()).length).toBe(0);
  });

  it('int32 tensors: from options or from an Int32Array, values truncated by the int32 conversion', async () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect(a.dtype).toBe('int32');
    expect(await a.data()).toBeInstanceOf(Int32Array);
    expect(await a.toArray()).toEqual([[1, 2], [3, 4]]);
    const b = tensor(Int32Array.of(7, -8, 9), { shape: [3, 1] });
    expect(b.dtype).toBe('int32');
    expect(b.shape).toEqual([3, 1]);
    expect(await b.toArray()).toEqual([[7], [-8], [9]]);
    expect(Array.from(await tensor([2.9, -2.9], { dtype: 'int32' }).data())).toEqual([2, -2]);
  });

  it('from a typed array with a shape, copying it (later writes to the array do not show)', async () => {
    const src = Float32Array.of(1, 2, 3, 4, 5, 6);
    const t = fromTypedArray(src, [3, 2]);
    src[0] = 100;
    expect(await t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const u = tensor(src, { shape: [2, 3] });
    expect(await u.toArray()).toEqual([[100, 2, 3], [4, 5, 6]]);
    const asInt = fromTypedArray(Float32Array.of(1.5, 2.5), [2], { dtype: 'int32' });
    expect(asInt.dtype).toBe('int32');
  });

  it('zeros, ones, full (float32 and int32, empty shapes too)', async () => {
    await expectTensor(zeros([2, 3]), [2, 3], new Array(6).fill(0));
    await expectTensor(ones([3]), [3], [1, 1, 1]);
    await expectTensor(full([2, 2], -1.5), [2, 2], [-1.5, -1.5, -1.5, -1.5]);
    const i = full([2], 7, { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([7, 7]);
    const e = zeros([0, 4]);
    expect(e.size).toBe(0);
    expect((await e.data()).length).toBe(0);
    expect(await zeros([]).item()).toBe(0);
  });

  it('arange: [0, n), [start, end) by step, int32 for integer ranges and float32 otherwise', async () => {
    const a = arange(5);
    expect(a.dtype).toBe('int32');
    expect(Array.from(await a.data())).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(await arange(2, 11, 3).data())).toEqual([2, 5, 8]);
    expect(Array.from(await arange(5, 0, -2).data())).toEqual([5, 3, 1]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expectClose(await f.data(), [0, 0.25, 0.5, 0.75]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(4, undefined, 1, { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('eye: square and rectangular identities', async () => {
    expect(await eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(await eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(await eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  it('tril and triu keep the lower / upper triangle from a diagonal offset, over batch dims', async () => {
    const x = arange(1, 13, 1, { dtype: 'float32' }).reshape(3, 4);
    expect(await tril(x).toArray()).toEqual([[1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]);
    expect(await tril(x, 1).toArray()).toEqual([[1, 2, 0, 0], [5, 6, 7, 0], [9, 10, 11, 12]]);
    expect(await triu(x).toArray()).toEqual([[1, 2, 3, 4], [0, 6, 7, 8], [0, 0, 11, 12]]);
    expect(await triu(x, -1).toArray()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [0, 10, 11, 12]]);
    expect(await x.triu(2).toArray()).toEqual([[0, 0, 3, 4], [0, 0, 0, 8], [0, 0, 0, 0]]);
    // the causal mask: ones above the diagonal, batched over a leading dim
    const mask = triu(ones([2, 3, 3]), 1);
    expect(await mask.toArray()).toEqual([
      [[0, 1, 1], [0, 0, 1], [0, 0, 0]],
      [[0, 1, 1], [0, 0, 1], [0, 0, 0]],
    ]);
    expect(tril(ones([2, 2], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('casts: float → int truncates toward zero, int → float is exact; same dtype is a no-op', async () => {
    const f = tensor([1.7, -1.7, 0.2, -3]);
    const i = f.int();
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([1, -1, 0, -3]);
    const back = i.float();
    expect(back.dtype).toBe('float32');
    expect(Array.from(await back.data())).toEqual([1, -1, 0, -3]);
    expect(f.to('float32')).toBe(f);
  });

  it('zerosLike / onesLike keep shape and dtype', async () => {
    const x = tensor([[1, 2]], { dtype: 'int32' });
    const o = x.onesLike();
    expect(o.shape).toEqual([1, 2]);
    expect(o.dtype).toBe('int32');
    expect(Array.from(await o.data())).toEqual([1, 1]);
    expect(Array.from(await x.zerosLike().data())).toEqual([0, 0]);
  });

  it('clone copies the data; detach shares it', async () => {
    const x = tensor([1, 2, 3]);
    const c = x.clone();
    const d = x.detach();
    expect(c.storage).not.toBe(x.storage);
    expect(d.storage).toBe(x.storage);
    expect(await c.toArray()).toEqual([1, 2, 3]);
    expect(await d.toArray()).toEqual([1, 2, 3]);
  });

  it('toString names shape, dtype and backend', () => {
    const s = randn([2, 3]).toString();
    expect(s).toContain('[2, 3]');
    expect(s).toContain('float32');
    expect(s).toContain(backend);
  });
});

describe('cpu synchronous readback (CPU only)', () => {
  it('dataSync, toArraySync and itemSync read without awaiting, also through views', () => {
    setBackend('cpu');
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.toArraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(x.T.toArraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.narrow(1, 1, 1).toArraySync()).toEqual([[2], [5]]);
    expect(x.sum().itemSync()).toBe(21);
  });

  it('dataSync returns a copy of a view, not the whole storage', () => {
    const x = tensor([1, 2, 3, 4]);
    const part = x.narrow(0, 2, 2).dataSync();
    expect(Array.from(part)).toEqual([3, 4]);
  });
});
