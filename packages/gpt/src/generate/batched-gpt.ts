// GPTModel's batched decoder. The new tokens of every sequence in the batch are packed into one
// row, (1, N, C) with N the total, so the embeddings, LayerNorms, projections, feed-forward
// layers and the output head each run once over all of them. The KV caches of all sequences
// live in one KVPool, so attention too is a fixed number of ops per layer however many
// sequences decode (batched-attention.ts): a step's cost grows with its tokens, not with a
// per-sequence overhead.
import { indexSelect, noGrad, type Tensor, tidy } from '@llm/tensor';
import type { GPTModel } from '../model/gpt-model.js';
import { pooledAttention, planStep } from './batched-attention.js';
import type { BatchedDecoder, BatchEntry, DecodeSlot } from './batched.js';
import { KVPool, PoolSlot } from './kv-pool.js';
import { packBatch } from './packing.js';

export function gptBatchedDecoder(model: GPTModel): BatchedDecoder {
  const { contextLength, vocabSize, nLayers } = model.config;
  const { numHeads, headDim } = model.trfBlocks[0].att;
  const pool = new KVPool(nLayers, numHeads, headDim, contextLength, model.tokEmb.weight.backend);
  const own = (slot: DecodeSlot): slot is PoolSlot => slot instanceof PoolSlot && slot.pool === pool;
  return {
    contextLength,
    vocabSize,
    newSlot: () => pool.newSlot(),
    step(batch: readonly BatchEntry[]): Tensor {
      const { packed, ids, lastRows, positions: positionsOf, dispose } = packBatch('GPTModel batched step', batch, model.config, pool.backend, own);
      try {
        pool.reserve(packed.map((p) => p.slot), Math.max(...packed.map((p) => p.offset + p.count)));
        const logits = noGrad(() => tidy(() => {
          const plan = planStep(pool, packed, ids.size);
          let x = model.tokEmb.forward(ids).add(model.posEmb.forward(positionsOf())); // (1, N, C)
          let layer = 0;
          for (const block of model.trfBlocks) {
            const h = pooledAttention(block.att, block.norm1.forward(x), pool, layer++, plan).add(x);
            x = block.ff.forward(block.norm2.forward(h)).add(h);
          }
          const last = indexSelect(x, 1, lastRows); // (1, B, C)
          return model.outHead.forward(model.finalNorm.forward(last)).reshape(packed.length, vocabSize); // (B, vocab)
        }));
        for (const p of packed) p.slot.length = p.offset + p.count;
        return logits;
      } catch (e) {
        // a row may hold part of this step's keys: forget the slot, zeroing what was written
        for (const p of packed) {
          p.slot.length = p.offset + p.count;
          p.slot.reset();
        }
        throw e;
      } finally {
        dispose();
      }
    },
  };
}
