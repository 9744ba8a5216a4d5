// LlamaModel's batched decoder, as GPTModel's (generate/batched-gpt.ts): the new tokens of every
// sequence are packed into one row (1, N, C) so norms, projections, the SwiGLU and the head run
// once over all of them; attention runs per sequence against its slot's KV caches (the KV heads
// only), with the rotary embedding at that sequence's own positions.
import { KVCache } from '@llm/nn';
import { cat, indexSelect, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { type BatchedDecoder, type BatchEntry, checkBatch, type DecodeSlot } from '../generate/batched.js';
import type { LlamaModel } from './model.js';

class LlamaSlot implements DecodeSlot {
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

export function llamaBatchedDecoder(model: LlamaModel): BatchedDecoder {
  const { contextLength, vocabSize, nLayers } = model.config;
  const op = `${model.constructor.name} batched step`;
  return {
    contextLength,
    vocabSize,
    newSlot: () => new LlamaSlot(nLayers, contextLength),
    step(batch: readonly BatchEntry[]): Tensor {
      checkBatch(op, batch, contextLength, vocabSize);
      const packed: { slot: LlamaSlot; start: number; count: number; offset: number }[] = [];
      let n = 0;
      for (const { slot, ids } of batch) {
        if (!(slot instanceof LlamaSlot) || slot.caches.length !== nLayers) throw new Error(`${op}: a slot from another decoder`);
        packed.push({ slot, start: n, count: ids.length, offset: slot.length });
        n += ids.length;
      }
      const backend = model.tokEmb.weight.backend;
      const ids = tensor(Int32Array.from(batch.flatMap((e) => e.ids)), { shape: [1, n], backend });
      const lastRows = tensor(Int32Array.from(packed.map((p) => p.start + p.count - 1)), { shape: [packed.length], backend });
      try {
        return noGrad(() => tidy(() => {
          let x = model.tokEmb.forward(ids); // (1, N, C)
          let layer = 0;
          for (const block of model.trfBlocks) {
            const att = block.att;
            const normed = block.norm1.forward(x);
            const [q, k, v] = [att.wQuery, att.wKey, att.wValue].map((w) => w.forward(normed)); // (1, N, ·)
            const rows = (t: Tensor, p: (typeof packed)[number]) => t.narrow(1, p.start, p.count);
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
        ids.dispose();
        lastRows.dispose();
      }
    },
  };
}
