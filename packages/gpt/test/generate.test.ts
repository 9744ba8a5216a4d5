// Generation: greedy as the book, sampling (checked against the distributions it should draw
// from), seeds, the stop token, and the KV cache giving exactly the ids of uncached generation.
import { Generator, memoryStats, tensor } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax, generate, generateStream, generateText, generateTextSimple, type GPTConfig, GPTModel, sampleToken, streamingDecoder, textToTokenIds, tokenIdsToText } from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { readExpected, TINY_GPT2, toTensor } from './helpers/compare.js';

const tiny: GPTConfig = { vocabSize: 96, contextLength: 16, embDim: 32, nLayers: 2, nHeads: 4, dropRate: 0.1, qkvBias: true };
const prompt = [[5, 17, 42, 8, 60]];
let fixtureModel: GPTModel;
let randomModel: GPTModel;

beforeAll(async () => {
  fixtureModel = (await loadPretrained(TINY_GPT2)) as GPTModel;
  randomModel = new GPTModel(tiny, { generator: new Generator(11) }).eval();
});

async function ids(t: ReturnType<typeof tensor>) {
  return Array.from(await t.data());
}

describe('sampleToken', () => {
  const logits = Float32Array.from([0.1, 0.2, 0.7].map(Math.log));
  const frequencies = (opts: Parameters<typeof sampleToken>[1], n = 20000) => {
    const g = new Generator(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleToken(logits, opts, g)]++;
    return counts.map((c) => c / n);
  };

  it('temperature 0 (the default) is argmax, first index on ties', () => {
    expect(sampleToken(logits, {}, new Generator(1))).toBe(2);
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });

  it('temperature 1 draws from softmax(logits)', () => {
    frequencies({ temperature: 1 }).forEach((f, i) => expect(f).toBeCloseTo([0.1, 0.2, 0.7][i], 1));
  });

  it('temperature T draws from softmax(logits / T)', () => {
    // p^(1/T) renormalised: T = 2 → √p / Σ√p
    const roots = [0.1, 0.2, 0.7].map(Math.sqrt), z = roots.reduce((a, b) => a + b);
    frequencies({ temperature: 2 }).forEach((f, i) => expect(Math.abs(f - roots[i] / z)).toBeLessThan(0.015));
  });

  it('topK keeps the k most likely, topP the smallest set reaching p', () => {
    const k2 = frequencies({ temperature: 1, topK: 2 });
    expect(k2[0]).toBe(0);
    expect(k2[2]).toBeCloseTo(0.7 / 0.9, 1);
    const p = frequencies({ temperature: 1, topP: 0.75 }); // 0.7 < 0.75, so 0.2 joins; 0.1 is cut
    expect(p[0]).toBe(0);
    expect(p[2]).toBeCloseTo(0.7 / 0.9, 1);
    expect(frequencies({ temperature: 1, topP: 0.5 })).toEqual([0, 0, 1]);
    expect(frequencies({ temperature: 5, topK: 1 })).toEqual([0, 0, 1]);
  });

  it('draws what sorting the whole vocabulary draws: top-k by the k-th largest logit, top-p by (probability, index), ties included', () => {
    // the textbook procedure, written out: sort everything, cut, softmax in float64, one uniform draw
    const reference = (row: Float32Array, o: { temperature: number; topK?: number; topP?: number }, u: number) => {
      const kth = o.topK !== undefined && o.topK < row.length ? [...row].sort((a, b) => b - a)[o.topK - 1] : -Infinity;
      const max = Math.max(...row);
      const probs = [...row].map((v) => (v < kth ? 0 : Math.exp((v - max) / o.temperature)));
      let total = probs.reduce((a, b) => a + b, 0);
      if (o.topP !== undefined && o.topP < 1) {
        const order = probs.map((_, i) => i).filter((i) => probs[i] > 0).sort((a, b) => probs[b] - probs[a] || a - b);
        let mass = 0, keep = 0;
        while (mass < o.topP * total) mass += probs[order[keep++]];
        for (const i of order.slice(keep)) probs[i] = 0;
        total = mass;
      }
      let left = u * total, last = 0;
      for (let i = 0; i < probs.length; i++) {
        if (probs[i] === 0) continue;
        last = i;
        if ((left -= probs[i]) < 0) return i;
      }
      return last;
    };
    const g = new Generator(5);
    for (let trial = 0; trial < 60; trial++) {
      // 300 logits on a coarse grid, so equal values (ties at the cut) are common
      const row = Float32Array.from({ length: 300 }, () => Math.round(g.normal() * 4) / 2);
      const o = { temperature: [0.7, 1, 1.5][trial % 3], topK: trial % 4 === 3 ? undefined : [1, 5, 40, 299][trial % 4], topP: trial % 5 === 4 ? undefined : [0.3, 0.9, 0.99, 1][trial % 4] };
      for (let draw = 0; draw < 20; draw++) {
        const seed = trial * 100 + draw;
        const u = new Generator(seed).uniform();
        expect(sampleToken(row, o, new Generator(seed)), `trial ${trial} ${JSON.stringify(o)}`).toBe(reference(row, o, u));
      }
    }
  });

  it('rejects bad options', async () => {
    await expect(generate(randomModel, prompt, { maxNewTokens: 1, temperature: -1 })).rejects.toThrow(/temperature must be ≥ 0/);
    await expect(generate(randomModel, prompt, { maxNewTokens: 1, topK: 0 })).rejects.toThrow(/topK must be a positive integer/);
    await expect(generate(randomModel, prompt, { maxNewTokens: 1, topP: 1.5 })).rejects.toThrow(/topP must be in \(0, 1\]/);
    await expect(generate(randomModel, prompt, { maxNewTokens: 1, contextSize: 17 })).rejects.toThrow(/contextSize 17 exceeds the model's context length 16/);
  });
});

describe('greedy generation', () => {
  it("the first greedy token is the argmax of PyTorch's logits", async () => {
    const expected = readExpected();
    const out = generateTextSimple(fixtureModel, toTensor(expected.ids), 1, 16);
    expect(out.shape).toEqual([2, 9]);
    const last = (row: number) => expected.logits.data.slice((row * 8 + 7) * 96, (row * 8 + 8) * 96);
    const got = await ids(out);
    expect([got[8], got[17]]).toEqual([argmax(last(0)), argmax(last(1))]);
  });

  it('generateTextSimple, generate (no cache) and generate (cache) agree, past the context window too', async () => {
    const simple = await ids(generateTextSimple(randomModel, tensor(prompt, { dtype: 'int32' }), 20, 16));
    const uncached = await ids(await generate(randomModel, prompt, { maxNewTokens: 20, useCache: false }));
    const cached = await ids(await generate(randomModel, prompt, { maxNewTokens: 20 }));
    expect(simple).toHaveLength(25);
    expect(uncached).toEqual(simple);
    expect(cached).toEqual(simple);
    // a smaller window than the model's
    const small = await ids(generateTextSimple(randomModel, tensor(prompt, { dtype: 'int32' }), 12, 6));
    expect(await ids(await generate(randomModel, prompt, { maxNewTokens: 12, contextSize: 6 }))).toEqual(small);
  });

  it('a batch gives the rows it would give one by one', async () => {
    const rows = [[1, 2, 3], [70, 9, 33]];
    const batch = await ids(await generate(randomModel, rows, { maxNewTokens: 6 }));
    const one = await ids(await generate(randomModel, [rows[0]], { maxNewTokens: 6 }));
    const two = await ids(await generate(randomModel, [rows[1]], { maxNewTokens: 6 }));
    expect(batch).toEqual([...one, ...two]);
  });
});

describe('sampled generation', () => {
  const opts = { maxNewTokens: 24, temperature: 1.4, topK: 40, topP: 0.95 };

  it('is reproducible with a seed, and the KV cache changes nothing', async () => {
    const a = await ids(await generate(randomModel, prompt, { ...opts, seed: 7 }));
    const b = await ids(await generate(randomModel, prompt, { ...opts, seed: 7 }));
    const noCache = await ids(await generate(randomModel, prompt, { ...opts, seed: 7, useCache: false }));
    const other = await ids(await generate(randomModel, prompt, { ...opts, seed: 8 }));
    expect(b).toEqual(a);
    expect(noCache).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it('stops at eosId without appending it', async () => {
    const free = await ids(await generate(randomModel, prompt, { ...opts, seed: 3 }));
    const eosId = free[5 + 4]; // the 5th new token
    const firstAt = free.indexOf(eosId, 5);
    const stopped = await ids(await generate(randomModel, prompt, { ...opts, seed: 3, eosId }));
    expect(stopped).toEqual(free.slice(0, firstAt));
  });
});

describe('memory', () => {
  it('generation leaves no tensors behind, with or without the cache', async () => {
    await (await generate(randomModel, prompt, { maxNewTokens: 2 })).dispose(); // first-use allocations (the shared causal mask)
    const before = memoryStats();
    for (const useCache of [true, false]) (await generate(randomModel, prompt, { maxNewTokens: 14, useCache })).dispose();
    const input = tensor(prompt, { dtype: 'int32' });
    generateTextSimple(randomModel, input, 3).dispose();
    input.dispose();
    expect(memoryStats()).toEqual(before);
  });
});

describe('text in, text out', () => {
  const tokenizer = getEncoding('gpt2');

  it("textToTokenIds / tokenIdsToText round-trip (the book's ids)", async () => {
    const t = textToTokenIds('Every effort moves you', tokenizer);
    expect(t.shape).toEqual([1, 4]);
    expect(await ids(t)).toEqual([6109, 3626, 6100, 345]);
    expect(await tokenIdsToText(t, tokenizer)).toBe('Every effort moves you');
  });

  it('generateStream yields each new id with its text; the pieces join to the decoded continuation', async () => {
    const opts = { maxNewTokens: 10, temperature: 1, seed: 5 };
    const pieces: { id: number; text: string }[] = [];
    for await (const p of generateStream(randomModel, tokenizer, prompt[0], opts)) pieces.push(p);
    const all = await ids(await generate(randomModel, prompt, opts));
    expect(pieces.map((p) => p.id)).toEqual(all.slice(5));
    expect(pieces.map((p) => p.text).join('')).toBe(tokenizer.decode(all.slice(5)));
    // 'A' is one GPT-2 token, 32, inside the tiny vocabulary
    const text = await generateText(randomModel, tokenizer, 'A', opts);
    expect(text).toBe(tokenizer.decode(await ids(await generate(randomModel, [[32]], opts))));
  });

  it('the fallback streaming decoder holds back a character split across tokens', () => {
    const text = 'naïve 🙂 café ✓';
    const idsOf = tokenizer.encode(text);
    const plain = { encode: tokenizer.encode.bind(tokenizer), decode: tokenizer.decode.bind(tokenizer) }; // no streamDecoder
    for (const decoder of [streamingDecoder(plain), streamingDecoder(tokenizer)]) {
      const pieces = idsOf.map((id) => decoder.push(id));
      expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
      expect(pieces.join('') + decoder.flush()).toBe(text);
    }
  });
});
