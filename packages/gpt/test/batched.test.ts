// Batched decoding and continuous batching: a packed step's logits against the model's plain
// uncached forward of each sequence alone, and ContinuousBatcher's tokens against `generate` run
// one prompt at a time (greedy and seeded), with requests joining, leaving and being cancelled
// mid-way, and the context window sliding. Embeddings against the logits they project to.
import { memoryStats, tensor } from '@llm/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContinuousBatcher, embed, generate, type GPTModel, isBatchDecodable } from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { expectMaxAbsDiff, TINY_GPT2 } from './helpers/compare.js';

let model: GPTModel; // the PyTorch-checked tiny GPT-2 (vocabulary 96, context 16)

beforeAll(async () => {
  model = ((await loadPretrained(TINY_GPT2)) as GPTModel).eval();
});

/** Logits of the last position of `ids`, from one uncached forward of that sequence alone. */
async function plainLastLogits(ids: number[]): Promise<Float32Array> {
  const input = tensor(Int32Array.from(ids), { shape: [1, ids.length] });
  const out = model.forward(input);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  input.dispose();
  return data.slice((ids.length - 1) * 96);
}

async function alone(prompt: number[], opts: { maxNewTokens: number; temperature?: number; seed?: number; eosId?: number; topK?: number }): Promise<number[]> {
  const out = await generate(model, [prompt], opts);
  const all = Array.from(await out.data());
  out.dispose();
  return all.slice(prompt.length);
}

async function collect(it: AsyncIterable<number>): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of it) ids.push(id);
  return ids;
}

describe('batched step', () => {
  it('gives each packed sequence the logits of its own plain forward, at its own offset', async () => {
    expect(isBatchDecodable(model)).toBe(true);
    const decoder = model.batchedDecoder();
    const seqs = [[5, 17, 42, 8, 60], [3, 9, 1], [70]];
    const slots = seqs.map(() => decoder.newSlot());
    // step 1: three prompts of different lengths prefilled together; then decode steps with one new token each
    let feed = seqs.map((s) => s);
    for (let step = 0; step < 6; step++) {
      const out = decoder.step(slots.map((slot, i) => ({ slot, ids: feed[i] })));
      expect(out.shape).toEqual([3, 96]);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      for (let i = 0; i < seqs.length; i++) {
        expectMaxAbsDiff(data.subarray(i * 96, (i + 1) * 96), await plainLastLogits(seqs[i]), 1e-4, `step ${step}, sequence ${i}`);
      }
      // a different next token per sequence (not just the argmax) exercises the caches
      feed = seqs.map((s, i) => [(step * 7 + i * 13) % 96]);
      seqs.forEach((s, i) => s.push(feed[i][0]));
      expect(slots.map((s) => s.length)).toEqual(seqs.map((s) => s.length - 1));
    }
    slots.forEach((s) => s.reset());
  });

  it('keeps each sequence to its own cache when slots join, sit out, are reset and reused, in any order, past the pool\'s first rows', async () => {
    const decoder = model.batchedDecoder();
    const before = memoryStats().storages;
    const slots = Array.from({ length: 7 }, () => decoder.newSlot()); // the pool grows (1, 2, 4, 8 rows) while holding keys
    const seqs: number[][] = slots.map(() => []);
    let pending: number[][] = [[5, 17, 42], [3], [9, 1, 70, 2], [8], [60, 61], [33], [12, 13, 14, 15, 16, 17, 18, 19, 20]];
    const check = async (who: number[], step: number) => {
      const out = decoder.step(who.map((i) => ({ slot: slots[i], ids: pending[i] })));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      for (const [r, i] of who.entries()) {
        seqs[i].push(...pending[i]);
        expectMaxAbsDiff(data.subarray(r * 96, (r + 1) * 96), await plainLastLogits(seqs[i]), 1e-4, `step ${step}, sequence ${i}`);
        pending[i] = [(step * 11 + i * 5) % 96];
      }
    };
    // entries not in slot order; some sit steps out; prompts join while others decode one token
    const schedule = [[2, 0], [0, 2, 1], [3, 1, 0], [4, 2, 6, 5], [5, 4, 3, 2, 1, 0], [1, 6, 3], [0, 1, 2, 3, 4, 5, 6]];
    for (const [step, who] of schedule.entries()) await check(who, step);
    // reset two: their rows go back to the pool and come out zeroed for the next prompts
    for (const i of [1, 4]) {
      slots[i].reset();
      seqs[i] = [];
    }
    pending[1] = [7, 7, 7];
    pending[4] = [90];
    for (const [step, who] of [[4, 1, 0, 6], [6, 5, 4, 3, 2, 1, 0]].entries()) await check(who, 10 + step);
    pending = [];
    for (const s of slots) s.reset();
    expect(memoryStats().storages).toBe(before); // the pool frees its storage with its last slot
  });

  it('names what is wrong with a batch', () => {
    const decoder = model.batchedDecoder();
    const slot = decoder.newSlot();
    expect(() => decoder.step([])).toThrow(/the batch is empty/);
    expect(() => decoder.step([{ slot, ids: [] }])).toThrow(/entry 0 has no tokens/);
    expect(() => decoder.step([{ slot, ids: [96] }])).toThrow(/token id 96, outside 0\.\.95/);
    expect(() => decoder.step([{ slot, ids: Array(17).fill(1) }])).toThrow(/more than the context length 16/);
    expect(() => decoder.step([{ slot, ids: [1] }, { slot, ids: [2] }])).toThrow(/a slot appears twice/);
  });
});

describe('ContinuousBatcher', () => {
  it('decodes concurrent greedy requests, joining at different steps, exactly as generate does alone', async () => {
    const prompts = [[5, 17, 42, 8, 60], [3, 9, 1], [70], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], [44, 2]];
    const budgets = [20, 4, 9, 12, 30]; // 5 + 20 and 2 + 30 slide past the context of 16
    // requests join after a given number of steps (not after wall time, which a fast machine outruns):
    // two start together, the third fills the batch, the fourth and fifth wait for places
    const joinAfter = [0, 0, 2, 3, 5];
    const steps: number[] = [];
    const runs: Promise<number[]>[] = [];
    const join = () => {
      while (runs.length < prompts.length && joinAfter[runs.length] <= steps.length) {
        const i = runs.length;
        runs.push(collect(batcher.generate(prompts[i], { maxNewTokens: budgets[i] })));
      }
    };
    const batcher = new ContinuousBatcher(model.batchedDecoder(), {
      maxBatch: 3,
      onStep: (n) => {
        steps.push(n);
        join();
      },
    });
    join();
    while (runs.length < prompts.length) await new Promise((r) => setTimeout(r, 1));
    const got = await Promise.all(runs);
    for (let i = 0; i < prompts.length; i++) expect(got[i], `request ${i}`).toEqual(await alone(prompts[i], { maxNewTokens: budgets[i] }));
    expect(Math.max(...steps)).toBe(3); // at most maxBatch at once, and really batched
    expect(batcher.active + batcher.waiting).toBe(0);
  });

  it('feeds a long prompt a chunk a step while the others go on decoding, with the same tokens', async () => {
    const steps: number[] = [];
    const batcher = new ContinuousBatcher(model.batchedDecoder(), { prefillChunk: 3, onStep: (n) => steps.push(n) });
    const long = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]; // 4 steps of prefill
    const firstAt: number[] = [];
    const track = async (prompt: number[], n: number, who: number) => {
      const ids: number[] = [];
      for await (const id of batcher.generate(prompt, { maxNewTokens: n })) {
        if (ids.length === 0) firstAt[who] = steps.length;
        ids.push(id);
      }
      return ids;
    };
    const [a, b] = await Promise.all([track([5, 17], 8, 0), track(long, 10, 1)]); // 10 more slides the window of 16
    expect(a).toEqual(await alone([5, 17], { maxNewTokens: 8 }));
    expect(b).toEqual(await alone(long, { maxNewTokens: 10 }));
    expect(firstAt[0]).toBe(1); // the short one's first token after one step...
    expect(firstAt[1]).toBe(4); // ...the long one's after its 4 chunks
    expect(() => new ContinuousBatcher(model.batchedDecoder(), { prefillChunk: 0 })).toThrow(/prefillChunk/);
  });

  it('gives a seeded sampled request the draws it gets alone, and stops at the end token', async () => {
    const batcher = new ContinuousBatcher(model.batchedDecoder());
    const opts = { maxNewTokens: 12, temperature: 1.2, topK: 20, seed: 7 };
    const [a, b] = await Promise.all([
      collect(batcher.generate([5, 17, 42], opts)),
      collect(batcher.generate([8, 8, 8, 8], { ...opts, seed: 8 })),
    ]);
    expect(a).toEqual(await alone([5, 17, 42], opts));
    expect(b).toEqual(await alone([8, 8, 8, 8], { ...opts, seed: 8 }));
    const greedy = await alone([5, 17, 42], { maxNewTokens: 8 });
    const eosId = greedy[3];
    const stopped = await collect(batcher.generate([5, 17, 42], { maxNewTokens: 8, eosId }));
    expect(stopped).toEqual(greedy.slice(0, greedy.indexOf(eosId)));
  });

  it('drops a cancelled request between steps while the others go on, and frees its memory', async () => {
    const batcher = new ContinuousBatcher(model.batchedDecoder(), { maxBatch: 4 });
    await new Promise((r) => setTimeout(r, 10)); // earlier tests' batchers free their slots after their last step
    const before = memoryStats().storages;
    const controller = new AbortController();
    const keep = collect(batcher.generate([1, 2, 3], { maxNewTokens: 10 }));
    const aborted = collect(batcher.generate([4, 5, 6], { maxNewTokens: 10, signal: controller.signal }));
    const broken: number[] = [];
    for await (const id of batcher.generate([7, 8, 9], { maxNewTokens: 10 })) {
      broken.push(id);
      if (broken.length === 2) controller.abort();
      if (broken.length === 3) break;
    }
    expect(broken).toEqual((await alone([7, 8, 9], { maxNewTokens: 10 })).slice(0, 3));
    const partial = await aborted;
    expect(partial.length).toBeLessThan(10);
    expect(partial).toEqual((await alone([4, 5, 6], { maxNewTokens: 10 })).slice(0, partial.length));
    expect(await keep).toEqual(await alone([1, 2, 3], { maxNewTokens: 10 }));
    // the batcher's loop frees the last slots a turn after the last step: wait for it, not a fixed time
    for (const deadline = Date.now() + 5000; (batcher.active > 0 || memoryStats().storages !== before) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
    expect(batcher.active).toBe(0);
    expect(memoryStats().storages).toBe(before); // every slot's cache was freed
  });

  it('checks options before queueing anything', () => {
    const batcher = new ContinuousBatcher(model.batchedDecoder());
    expect(() => batcher.generate([], { maxNewTokens: 1 })).toThrow(/at least one token/);
    expect(() => batcher.generate([1, 200], { maxNewTokens: 1 })).toThrow(/token id 200/);
    expect(() => batcher.generate([1], { maxNewTokens: -1 })).toThrow(/maxNewTokens/);
    expect(() => batcher.generate([1], { maxNewTokens: 1, temperature: -1 })).toThrow(/temperature/);
    expect(() => new ContinuousBatcher(model.batchedDecoder(), { maxBatch: 0 })).toThrow(/maxBatch/);
  });
});

describe('embed', () => {
  it('is the mean of the final hidden states, unit length: projected by the head it points along the mean logits', async () => {
    const ids = [5, 17, 42, 8, 60, 3];
    const v = await embed(model, ids);
    expect(v.length).toBe(32);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    // mean over tokens commutes with the (linear, bias-free) head: head(mean h) = mean(logits)
    const input = tensor(Int32Array.from(ids), { shape: [1, ids.length] });
    const logits = model.forward(input).mean(1);
    const meanLogits = (await logits.data()) as Float32Array;
    logits.dispose();
    input.dispose();
    const w = (await model.outHead.weight.data()) as Float32Array; // (96, 32)
    const projected = Array.from({ length: 96 }, (_, j) => v.reduce((s, x, c) => s + x * w[j * 32 + c], 0));
    const scale = Math.hypot(...meanLogits) / Math.hypot(...projected);
    expectMaxAbsDiff(projected.map((p) => p * scale), meanLogits, 1e-4, 'head(embedding) vs mean logits');
    await expect(embed(model, [])).rejects.toThrow(/at least one token/);
    await expect(embed(model, Array(17).fill(1))).rejects.toThrow(/context length 16/);
    const logitsOnly = { config: model.config, forward: (ids: Parameters<typeof model.forward>[0]) => model.forward(ids) };
    await expect(embed(logitsOnly, ids)).rejects.toThrow(/gave \[1, 6, 96\], not \(1, T, 32\): it does not provide hidden states/);
  });

});
