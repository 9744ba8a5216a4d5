// GPTModel's batched decoder. The new tokens of every sequence in the batch are packed into one
// row, (1, N, C) with N the total, so the embeddings, LayerNorms, projections, feed-forward
// layers and the output head each run once over all of them: that is where the work of a small
// decoding step is, and where batching pays. Attention runs per sequence against its own slot's
// KV cache (at its own offset), so sequences of different lengths need no padding and no
// attention mask beyond the causal one of a prompt; a decoding step's attention is one query
// per sequence, which is cheap next to the weight matrices.
import type { MultiHeadAttention } from '@llm/nn';
import { cat, indexSelect, noGrad, type Tensor, tidy } from '@llm/tensor';
import type { GPTModel } from '../model/gpt-model.js';
import type { BatchedDecoder, BatchEntry } from './batched.js';
import { LayerCachesSlot, type Packed, packBatch } from './packing.js';

export function gptBatchedDecoder(model: GPTModel): BatchedDecoder {
  const { contextLength, vocabSize, nLayers } = model.config;
  return {
    contextLength,
    vocabSize,
    newSlot: () => new LayerCachesSlot(nLayers, contextLength),
    step(batch: readonly BatchEntry[]): Tensor {
      const { packed, ids, lastRows, positions: positionsOf, dispose } = packBatch('GPTModel batched step', batch, model.config, model.tokEmb.weight.backend);
      const positions = positionsOf();
      try {
        return noGrad(() => tidy(() => {
          let x = model.tokEmb.forward(ids).add(model.posEmb.forward(positions)); // (1, N, C)
          let layer = 0;
          for (const block of model.trfBlocks) {
            const h = packedAttention(block.att, block.norm1.forward(x), packed, layer++).add(x);
            x = block.ff.forward(block.norm2.forward(h)).add(h);
          }
          const last = indexSelect(x, 1, lastRows); // (1, B, C)
          return model.outHead.forward(model.finalNorm.forward(last)).reshape(packed.length, vocabSize); // (B, vocab)
        }));
      } finally {
        dispose();
      }
    },
  };
}

/** x (1, N, C) packed → (1, N, C): projections over all rows, attention per sequence. */
function packedAttention(att: MultiHeadAttention, x: Tensor, packed: readonly Packed[], layer: number): Tensor {
  const { numHeads: H, headDim: D } = att;
  const queries = att.wQuery.forward(x); // (1, N, dOut)
  const keys = att.wKey.forward(x);
  const values = att.wValue.forward(x);
  const heads = (t: Tensor, p: Packed) => t.narrow(1, p.start, p.count).reshape(1, p.count, H, D).transpose(1, 2); // (1, H, T, D)
  const contexts = packed.map((p) => {
    const cached = p.slot.caches[layer].append(heads(keys, p), heads(values, p));
    return att.attend(heads(queries, p), cached.keys, cached.values, p.offset); // (1, T, dOut)
  });
  return att.outProj.forward(contexts.length === 1 ? contexts[0] : cat(contexts, 1));
}
