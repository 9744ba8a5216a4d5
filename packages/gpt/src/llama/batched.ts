// LlamaModel's batched decoder, as GPTModel's (generate/batched-gpt.ts): the new tokens of every
// sequence are packed into one row (1, N, C) so norms, projections, the SwiGLU and the head run
// once over all of them; attention runs per sequence against its slot's KV caches (the KV heads
// only), with the rotary embedding at that sequence's own positions.
import { cat, indexSelect, noGrad, type Tensor, tidy } from '@llm/tensor';
import type { BatchedDecoder, BatchEntry } from '../generate/batched.js';
import { LayerCachesSlot, layerCachesOf, type Packed, packBatch } from '../generate/packing.js';
import type { LlamaModel } from './model.js';

export function llamaBatchedDecoder(model: LlamaModel): BatchedDecoder {
  const { contextLength, vocabSize, nLayers } = model.config;
  const op = `${model.constructor.name} batched step`;
  return {
    contextLength,
    vocabSize,
    newSlot: () => new LayerCachesSlot(nLayers, contextLength),
    step(batch: readonly BatchEntry[]): Tensor {
      const { packed, ids, lastRows, dispose } = packBatch(op, batch, model.config, model.tokEmb.weight.backend, layerCachesOf(nLayers));
      try {
        return noGrad(() => tidy(() => {
          let x = model.tokEmb.forward(ids); // (1, N, C)
          let layer = 0;
          for (const block of model.trfBlocks) {
            const att = block.att;
            const normed = block.norm1.forward(x);
            const [q, k, v] = [att.wQuery, att.wKey, att.wValue].map((w) => w.forward(normed)); // (1, N, ·)
            const rows = (t: Tensor, p: Packed) => t.narrow(1, p.start, p.count);
            const caches = packed.map((p) => p.slot.caches[layer]);
            const contexts = packed.map((p, i) => att.attend(rows(q, p), rows(k, p), rows(v, p), p.offset, caches[i]));
            const h = att.outProj.forward(contexts.length === 1 ? contexts[0] : cat(contexts, 1)).add(x);
            x = block.ff.forward(block.norm2.forward(h)).add(h);
            layer++;
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
