// Llama 3, SmolLM2 and Qwen3 against PyTorch: tiny random models in Hugging Face's layout
// (scripts/fixtures/tiny_llama.py: sharded BF16 + F32, F32, F16) loaded with loadPretrained give
// PyTorch's logits within 1e-4 (and hidden states that the head's weight turns into them), its greedy
// continuation with and without the KV cache, and the same token by token through the batched decoder.
import { noGrad } from '@llm/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { embed, generate, LlamaModel, Qwen3Model } from '../src/index.js';
import { loadPretrained } from '../src/node.js';
import { expectMaxAbsDiff, toTensor } from './helpers/compare.js';
import { fixtureDir, LLAMA_FIXTURES, type LlamaExpected, readLlamaExpected } from './helpers/llama-fixtures.js';

for (const name of LLAMA_FIXTURES) {
  describe(`${name} from Hugging Face layout`, () => {
    let model: LlamaModel;
    let expected: LlamaExpected;

    beforeAll(async () => {
      expected = readLlamaExpected(name);
      model = (await loadPretrained(fixtureDir(name))) as LlamaModel;
    });

    it('builds the right class with the config and head tying of config.json', () => {
      expect(model).toBeInstanceOf(name === 'tiny-qwen3' ? Qwen3Model : LlamaModel);
      expect(model.weightsTied).toBe(name !== 'tiny-llama');
      expect(model.numParameters()).toBe(expected.numParameters);
      expect(model.training).toBe(false);
      if (name === 'tiny-llama') expect(model.config.ropeScaling).toEqual({ ropeType: 'llama3', factor: 4, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 });
      if (name === 'tiny-qwen3') expect(model.config.headDim * model.config.nHeads).not.toBe(model.config.embDim);
    });

    it("gives PyTorch's logits within 1e-4, for a batch and for 40 positions", async () => {
      const logits = noGrad(() => model.forward(toTensor(expected.ids)));
      expect(logits.shape).toEqual(expected.logits.shape);
      expectMaxAbsDiff(await logits.data(), expected.logits.data, 1e-4, 'logits');
      const long = noGrad(() => model.forward(toTensor(expected.longIds)));
      expectMaxAbsDiff(await long.data(), expected.longLogits.data, 1e-4, 'logits over 40 positions');
    });

    it("hidden: true gives the final RMSNorm's output (B, T, embDim): times the head's weight it is PyTorch's logits; embed pools it", async () => {
      const [B, T] = expected.ids.shape;
      const { embDim: C, vocabSize: V } = model.config;
      const hidden = noGrad(() => model.forward(toTensor(expected.ids), { hidden: true }));
      expect(hidden.shape).toEqual([B, T, C]);
      const h = (await hidden.data()) as Float32Array; // (B, T, C)
      hidden.dispose();
      const w = (await model.outHead.weight.data()) as Float32Array; // (V, C): lm_head, or embed_tokens where tied
      const logits = new Float32Array(B * T * V); // (B, T, V) = h @ wᵀ, by hand
      for (let r = 0; r < B * T; r++) {
        for (let v = 0; v < V; v++) {
          let sum = 0;
          for (let c = 0; c < C; c++) sum += h[r * C + c] * w[v * C + c];
          logits[r * V + v] = sum;
        }
      }
      expectMaxAbsDiff(logits, expected.logits.data, 1e-4, 'hidden @ headᵀ vs PyTorch logits');
      const last = noGrad(() => model.forward(toTensor(expected.ids), { hidden: true, lastTokenOnly: true }));
      expect(last.shape).toEqual([B, 1, C]);
      const lastRows = Array.from({ length: B }, (_, b) => Array.from(h.subarray((b * T + T - 1) * C, (b * T + T) * C))).flat();
      expectMaxAbsDiff(await last.data(), lastRows, 1e-6, 'lastTokenOnly hidden vs the last position');
      last.dispose();
      // embed: the first sequence's hidden states averaged over its T tokens, scaled to unit length
      const mean = Array.from({ length: C }, (_, c) => Array.from({ length: T }, (_, t) => h[t * C + c]).reduce((a, x) => a + x, 0) / T);
      const norm = Math.hypot(...mean);
      const v = await embed(model, expected.ids.data.slice(0, T));
      expect(v.length).toBe(C);
      expectMaxAbsDiff(v, mean.map((x) => x / norm), 1e-5, 'embed vs mean-pooled hidden states');
    });

    it("continues the prompt greedily as PyTorch does, with and without the KV cache", async () => {
      const want = expected.greedy.data;
      const prompt = expected.prompt.data;
      for (const useCache of [true, false]) {
        const out = await generate(model, [prompt], { maxNewTokens: want.length, useCache });
        expect(Array.from(await out.data()).slice(prompt.length), `useCache ${useCache}`).toEqual(want);
      }
    });

    it('samples the same tokens with and without the cache (temperature, top-k, top-p, seed)', async () => {
      const opts = { maxNewTokens: 10, temperature: 1.3, topK: 20, topP: 0.95, seed: 7 };
      const a = await generate(model, [expected.prompt.data], { ...opts, useCache: true });
      const b = await generate(model, [expected.prompt.data], { ...opts, useCache: false });
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    });

    it('decodes two sequences of different lengths in one batched step as the model does alone', async () => {
      const decoder = model.batchedDecoder();
      const [s1, s2] = [decoder.newSlot(), decoder.newSlot()];
      const p1 = expected.prompt.data, p2 = expected.ids.data.slice(0, 7);
      let logits = await decoder.step([{ slot: s1, ids: p1 }, { slot: s2, ids: p2 }]).data();
      const alone = async (ids: number[]) => {
        const out = noGrad(() => model.forward(toTensor({ shape: [1, ids.length], dtype: 'int32', data: ids }), { lastTokenOnly: true }));
        return out.data();
      };
      const V = model.config.vocabSize;
      expectMaxAbsDiff(logits.slice(0, V), await alone(p1), 1e-4, 'prompt 1');
      expectMaxAbsDiff(logits.slice(V), await alone(p2), 1e-4, 'prompt 2');
      logits = await decoder.step([{ slot: s1, ids: [3] }, { slot: s2, ids: [4] }]).data();
      expectMaxAbsDiff(logits.slice(0, V), await alone([...p1, 3]), 1e-4, 'step 1');
      expectMaxAbsDiff(logits.slice(V), await alone([...p2, 4]), 1e-4, 'step 2');
      expect(s1.length).toBe(p1.length + 1);
      s1.reset();
      s2.reset();
    });
  });
}

describe('stop tokens', () => {
  it('stops at any of stopIds (not appended), as at eosId', async () => {
    const model = (await loadPretrained(fixtureDir('tiny-smollm2'))) as LlamaModel;
    const { prompt, greedy } = readLlamaExpected('tiny-smollm2');
    const stopAt = greedy.data[4];
    const first = greedy.data.indexOf(stopAt);
    const out = await generate(model, [prompt.data], { maxNewTokens: 12, stopIds: [999, stopAt] });
    expect(Array.from(await out.data()).slice(prompt.data.length)).toEqual(greedy.data.slice(0, first));
  });
});
