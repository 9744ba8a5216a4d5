// GPTModel's batched decoder. The new tokens of every sequence in the batch are packed into one
// row, (1, N, C) with N the total, so the embeddings, LayerNorms, projections, feed-forward
// layers and the output head each run once over all of them: that is where the work of a small
// decoding step is, and where batching pays. Attention runs per sequence against its own slot's
// KV cache (at its own offset), so sequences of different lengths need no padding and no
// attention mask beyond the causal one of a prompt; a decoding step's attention is one query
// per sequence, which is cheap next to the weight matrices.
import { KVCache, type MultiHeadAttention } from '@llm/nn';
import { cat, indexSelect, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import type { GPTModel } from '../model/gpt-model.js';
import { type BatchedDecoder, type BatchEntry, checkBatch, type DecodeSlot } from './batched.js';

class GPTSlot implements DecodeSlot {
  readonly caches: KVCache[];

  constructor(nLayers: number, contextLength: number) {
    this.caches = Array.from({ length: nLayers }, () => new KVCache(contextLength));
  }

  get length(): number {
    return this.caches[0]?.length ?? 0;
  }

  reset(): void {
    for (const c of this.caches) c.reset();
  }
}

/** Where each entry's tokens sit in the packed row, and the position of its first one. */
interface Packed {
  slot: GPTSlot;
  start: number;
  count: number;
  offset: number;
}

export function gptBatchedDecoder(model: GPTModel): BatchedDecoder {
  const { contextLength, vocabSize, nLayers } = model.config;
  return {
    contextLength,
    vocabSize,
    newSlot: () => new GPTSlot(nLayers, contextLength),
    step(batch: readonly BatchEntry[]): Tensor {
      checkBatch('GPTModel batched step', batch, contextLength, vocabSize);
      const packed: Packed[] = [];
      let n = 0;
      for (const { slot, ids } of batch) {
        if (!(slot instanceof GPTSlot) || slot.caches.length !== nLayers) throw new Error('GPTModel batched step: a slot from another decoder');
        packed.push({ slot, start: n, count: ids.length, offset: slot.length });
        n += ids.length;
      }
      const backend = model.tokEmb.weight.backend;
      const ids = tensor(Int32Array.from(batch.flatMap((e) => e.ids)), { shape: [1, n], backend });
      const positions = tensor(Int32Array.from(packed.flatMap((p) => Array.from({ length: p.count }, (_, i) => p.offset + i))), { shape: [n], backend });
      const lastRows = tensor(Int32Array.from(packed.map((p) => p.start + p.count - 1)), { shape: [packed.length], backend });
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
        ids.dispose();
        positions.dispose();
        lastRows.dispose();
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
