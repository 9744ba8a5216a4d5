// Errors say what went wrong and where: the op, the shapes, the dtype, the index, the reason.
import { describe, expect, it } from 'vitest';
import {
  add, assign, type Backend, cat, cpu, crossEntropy, embedding, gather, indexSelect, layerNorm, matmul, multinomial,
  narrow, setBackend, stack, tensor, tidy, topk, zeros,
} from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';

const ints = (data: number[]) => tensor(data, { dtype: 'int32' });

describe.each(testBackends())('errors (%s)', (backend) => {
  useBackend(backend);

  describe('shape mismatches name the op and both shapes', () => {
    it('elementwise broadcasting', () => {
      expect(() => add(zeros([2, 3]), zeros([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
      expect(() => zeros([2, 3]).mul(zeros([3, 2]))).toThrow(/mul: shapes \[2, 3\] and \[3, 2\]/);
    });
    it('matmul inner dims and batch dims', () => {
      expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(/matmul: inner dims differ: \[2, 3\] @ \[4, 5\]/);
      expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    });
    it('reshape / view / expand', () => {
      expect(() => zeros([2, 3]).reshape(4, 2)).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) into \[4, 2\]/);
      expect(() => zeros([2, 3]).reshape(-1, -1)).toThrow(/only one dim can be -1/);
      expect(() => zeros([2, 3]).expand(4, 3)).toThrow(/expand: cannot expand \[2, 3\] to \[4, 3\]/);
    });
    it('cat / stack / split', () => {
      expect(() => cat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/cat: shapes \[2, 3\] and \[2, 4\] differ outside dim 0/);
      expect(() => stack([zeros([2]), zeros([3])])).toThrow(/stack: all tensors need the same shape, got \[2\] and \[3\]/);
      expect(() => zeros([5]).split([2, 2])).toThrow(/split: sections \[2, 2\] sum to 4, but dim 0 has size 5/);
    });
    it('nn ops and in-place updates', () => {
      expect(() => crossEntropy(zeros([4, 5]), ints([1, 2, 3]))).toThrow(/crossEntropy: logits \[4, 5\] and targets \[3\] do not fit/);
      expect(() => layerNorm(zeros([2, 4]), zeros([3]), null)).toThrow(/layerNorm: weight \[3\] does not fit the last dim of input \[2, 4\]/);
      expect(() => gather(zeros([2, 3]), 1, ints([0, 1]))).toThrow(/gather: index shape \[2\] must match input shape \[2, 3\]/);
      expect(() => assign(zeros([2, 3]), zeros([3, 2]))).toThrow(/assign: shapes differ: destination \[2, 3\], source \[3, 2\]/);
    });
    it('creation', () => {
      expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array: data\[1\] has 1 elements, expected 2/);
      expect(() => tensor([[1], [2, 3], []])).toThrow(/ragged/);
      expect(() => tensor(Float32Array.of(1, 2, 3), { shape: [2, 2] })).toThrow(/3 values do not fill shape \[2, 2\]/);
      expect(() => zeros([2, -1])).toThrow(/invalid shape \[2, -1\]/);
    });
  });

  describe('wrong dtypes', () => {
    it('mixing float32 and int32 in a binary op', () => {
      expect(() => add(zeros([2]), ints([1, 2]))).toThrow(/add: dtypes differ \(float32 \[2\] and int32 \[2\]\); convert one with \.float\(\) or \.int\(\)/);
    });
    it('float-only ops given int32', () => {
      expect(() => matmul(ints([1, 2]), ints([3, 4]))).toThrow(/matmul: expected a float32 tensor, got int32 \[2\]/);
      expect(() => ints([1, 2]).softmax()).toThrow(/softmax: expected a float32 tensor/);
      expect(() => ints([1, 2]).mean()).toThrow(/mean: expected a float32 tensor/);
      expect(() => ints([1, 2]).exp()).toThrow(/exp: expected a float32 tensor, got int32 \[2\]/);
      expect(() => ints([1, 2]).sigmoid()).toThrow(/sigmoid: expected a float32 tensor/);
    });
    it('indices and targets must be int32', () => {
      expect(() => indexSelect(zeros([3, 2]), 0, tensor([0, 1]))).toThrow(/indexSelect: index must be an int32 tensor, got float32/);
      expect(() => embedding(zeros([3, 2]), tensor([0, 1]))).toThrow(/index must be an int32 tensor/);
      expect(() => crossEntropy(zeros([2, 3]), tensor([0, 1]))).toThrow(/crossEntropy: targets must be int32 class indices, got float32/);
    });
    it('only float32 tensors can require gradients; unknown dtypes are refused', () => {
      expect(() => ints([1]).requiresGrad_()).toThrow(/only float32 tensors can require gradients/);
      expect(() => tensor([1], { dtype: 'float64' as 'float32' })).toThrow(/unsupported dtype 'float64'/);
    });
  });

  describe('indices and dims out of range', () => {
    it('an index past the end of the dim (found on the next read on a GPU)', async () => {
      await expect(async () => embedding(zeros([4, 2]), ints([1, 4])).data()).rejects.toThrow(/index 4 is out of range for a dim of size 4/);
      await expect(async () => indexSelect(zeros([3]), 0, ints([-1])).data()).rejects.toThrow(/index -1 is out of range/);
      await expect(async () => gather(zeros([2, 3]), 1, tensor([[0], [3]], { dtype: 'int32' })).data()).rejects.toThrow(/index 3 is out of range for a dim of size 3/);
    });
    it('a class target past the number of classes', async () => {
      await expect(async () => crossEntropy(zeros([2, 3]), ints([0, 5])).data()).rejects.toThrow(/index 5 is out of range for a dim of size 3/);
    });
    it('dims, windows and k', () => {
      expect(() => zeros([2, 3]).sum(2)).toThrow(/sum: dim 2 is out of range for a tensor with 2 dims/);
      expect(() => zeros([2, 3]).transpose(0, -3)).toThrow(/transpose: dim -3 is out of range/);
      expect(() => narrow(zeros([4]), 0, 3, 2)).toThrow(/narrow: \[3, 5\) is out of range for dim 0 of size 4/);
      expect(() => topk(zeros([2, 3]), 4)).toThrow(/topk: k=4 is out of range for dim 1 of size 3/);
      expect(() => zeros([2, 3]).permute(0, 0)).toThrow(/permute: repeated dim/);
    });
    it('item() on more than one element', async () => {
      await expect(zeros([2]).item()).rejects.toThrow(/item: expected a single-element tensor, got shape \[2\]/);
    });
  });

  describe('autograd misuse', () => {
    it('backward through a tensor that does not require grad', () => {
      expect(() => tensor([1, 2]).sum().backward()).toThrow(/backward: the tensor does not require grad/);
      const w = tensor([1], { requiresGrad: true });
      expect(() => w.detach().mul(2).sum().backward()).toThrow(/does not require grad/);
    });
    it('backward of a non-scalar without a gradient', () => {
      const w = tensor([1, 2], { requiresGrad: true });
      expect(() => w.mul(2).backward()).toThrow(/grad can be implicitly created only for a single-element tensor, got shape \[2\]/);
    });
    it('backward after tidy freed part of the graph', () => {
      const w = tensor([1, 2], { requiresGrad: true });
      const h = tidy(() => w.mul(2).exp()); // the mul output is freed, the exp output kept
      expect(() => h.sum().backward()).toThrow(/backward: a tensor made by 'mul' was disposed before backward/);
    });
    it('writing in place into a tensor that is part of a graph', () => {
      const w = tensor([1], { requiresGrad: true });
      expect(() => assign(w.mul(2), tensor([0]))).toThrow(/assign: cannot write in place into a tensor that is part of a graph/);
    });
  });

  it('using a disposed tensor names the op', async () => {
    const x = zeros([2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/add: tensor \[2\] was disposed/);
    expect(() => x.reshape(1, 2)).toThrow(/was disposed/);
    await expect(x.data()).rejects.toThrow(/data: tensor \[2\] was disposed/);
  });

  it('multinomial rejects negative or all-zero weights', async () => {
    await expect(multinomial(tensor([0.5, -0.1]))).rejects.toThrow(/multinomial: probabilities must be finite and non-negative, got -0\.1/);
    await expect(multinomial(tensor([[0, 0]]))).rejects.toThrow(/multinomial: row 0 has no positive probability/);
  });
});

describe('backend errors', () => {
  // a backend that reads back only asynchronously, as a GPU does (the CPU's kernels, another name)
  const asyncOnly = Object.create(cpu, { name: { value: 'async-only' }, readSync: { value: undefined } }) as Backend;

  it('an unknown backend lists the registered ones', () => {
    expect(() => setBackend('tpu')).toThrow(/unknown backend 'tpu'.*registered: cpu/);
  });

  it('tensors on different backends do not mix', () => {
    const a = zeros([2], { backend: cpu }), b = zeros([2], { backend: asyncOnly });
    expect(() => a.add(b)).toThrow(/add: tensors are on different backends \('cpu' and 'async-only'\)/);
  });

  it('synchronous readback on a backend without it says to await data()', async () => {
    const t = tensor([1, 2], { backend: asyncOnly });
    expect(() => t.dataSync()).toThrow(/dataSync: the 'async-only' backend reads back asynchronously; use await t.data\(\)/);
    expect(Array.from(await t.data())).toEqual([1, 2]);
  });
});
