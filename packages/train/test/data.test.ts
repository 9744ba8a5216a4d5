// GPTDataset and DataLoader: windows, shifted targets, batching, shuffling and dropLast, checked
// against the book's definitions written out by hand.
import { memoryStats, type Tensor } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader, GPTDataset } from '../src/index.js';

const ids = Int32Array.from({ length: 20 }, (_, i) => 100 + i);

describe('GPTDataset', () => {
  it('slides a window of maxLength by stride, targets shifted by one (range(0, n - maxLength, stride))', () => {
    const ds = new GPTDataset(ids, { maxLength: 4, stride: 3 });
    // starts 0, 3, ..., 15 (< 20 - 4 = 16): 6 samples
    expect(ds.length).toBe(6);
    expect([...ds.get(0).input]).toEqual([100, 101, 102, 103]);
    expect([...ds.get(0).target]).toEqual([101, 102, 103, 104]);
    expect([...ds.get(5).input]).toEqual([115, 116, 117, 118]);
    expect([...ds.get(5).target]).toEqual([116, 117, 118, 119]);
  });

  it('samples are views of the token array, not copies', () => {
    const ds = new GPTDataset(ids, { maxLength: 4, stride: 4 });
    expect(ds.get(1).input.buffer).toBe(ds.tokens.buffer);
    expect(ds.tokens).toBe(ids);
  });

  it('is empty when the text is not longer than maxLength', () => {
    expect(new GPTDataset(ids.subarray(0, 4), { maxLength: 4, stride: 1 }).length).toBe(0);
    expect(new GPTDataset(ids.subarray(0, 5), { maxLength: 4, stride: 1 }).length).toBe(1);
  });

  it('names bad options', () => {
    expect(() => new GPTDataset(ids, { maxLength: 0, stride: 1 })).toThrow(/maxLength/);
    expect(() => new GPTDataset(ids, { maxLength: 4, stride: 0 })).toThrow(/stride/);
    expect(() => new GPTDataset(ids, { maxLength: 4, stride: 1 }).get(99)).toThrow(/index 99 out of range/);
  });
});

describe('DataLoader', () => {
  const ds = new GPTDataset(ids, { maxLength: 4, stride: 4 }); // 4 samples: starts 0, 4, 8, 12

  it('yields int32 (B, T) inputs and targets in order without shuffle; keeps the short last batch', async () => {
    const loader = new DataLoader(ds, { batchSize: 3 });
    expect(loader.length).toBe(2);
    const batches: { shape: readonly number[]; dtype: string; inputs: unknown; targets: unknown }[] = [];
    for (const [x, y] of loader) batches.push({ shape: x.shape, dtype: x.dtype, inputs: await x.toArray(), targets: await y.toArray() });
    expect(batches.map((b) => b.shape)).toEqual([[3, 4], [1, 4]]);
    expect(batches[0].dtype).toBe('int32');
    expect(batches[0].inputs).toEqual([[100, 101, 102, 103], [104, 105, 106, 107], [108, 109, 110, 111]]);
    expect(batches[1].targets).toEqual([[113, 114, 115, 116]]);
  });

  it('frees each batch when the loop moves on or leaves: a loop disposes nothing by hand', () => {
    const loader = new DataLoader(ds, { batchSize: 1 });
    const base = memoryStats();
    const seen: Tensor[] = [];
    for (const [x, y] of loader) {
      expect(memoryStats().tensors).toBe(base.tensors + 2); // this batch only
      seen.push(x, y);
      if (seen.length === 6) break; // leaving early frees the batch in hand too
    }
    expect(seen.every((t) => t.isDisposed)).toBe(true);
    expect(memoryStats()).toEqual(base);
  });

  it('dropLast leaves out the short batch', () => {
    const loader = new DataLoader(ds, { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(1);
    expect([...loader].length).toBe(1);
  });

  it('shuffles into a permutation that changes per epoch and repeats for the same seed and epoch', () => {
    const big = new GPTDataset(Int32Array.from({ length: 401 }, (_, i) => i), { maxLength: 4, stride: 4 }); // 100 samples
    const a = new DataLoader(big, { batchSize: 10, shuffle: true, seed: 7 });
    const e0 = a.order(0);
    expect([...e0].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...e0]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a.order(1)]).not.toEqual([...e0]);
    expect([...new DataLoader(big, { batchSize: 10, shuffle: true, seed: 7 }).order(0)]).toEqual([...e0]);
    expect([...new DataLoader(big, { batchSize: 10, shuffle: true, seed: 8 }).order(0)]).not.toEqual([...e0]);
  });

  it('each for...of is a new epoch; iterate() resumes an epoch at a batch without moving on', async () => {
    const big = new GPTDataset(Int32Array.from({ length: 401 }, (_, i) => i), { maxLength: 4, stride: 4 });
    const loader = new DataLoader(big, { batchSize: 10, shuffle: true, seed: 3 });
    const firstRow = async (x: Tensor) => ((await x.toArray()) as number[][])[0][0] / 4;
    const epoch0: number[] = [];
    for (const [x, y] of loader) { epoch0.push(await firstRow(x)); x.dispose(); y.dispose(); }
    expect(loader.epoch).toBe(1);
    expect(epoch0).toEqual([...loader.order(0)].filter((_, i) => i % 10 === 0));
    const resumed: number[] = [];
    for (const [x, y] of loader.iterate({ epoch: 0, startBatch: 7 })) { resumed.push(await firstRow(x)); x.dispose(); y.dispose(); }
    expect(resumed).toEqual(epoch0.slice(7));
    expect(loader.epoch).toBe(1);
  });
});
