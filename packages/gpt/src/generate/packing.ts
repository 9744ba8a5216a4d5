// What the batched decoders share (batched-gpt.ts, llama/batched.ts): packing a batch's new tokens
// into one row (1, N) with where each entry's tokens sit and which rows hold each entry's last
// token; and a slot holding one KV cache per layer (Llama's; GPT's slots are rows of a KVPool).
import { KVCache } from '@llm/nn';
import { type Backend, type Tensor, tensor } from '@llm/tensor';
import { type BatchEntry, checkBatch, type DecodeSlot } from './batched.js';

export class LayerCachesSlot implements DecodeSlot {
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

/** A check that a slot is one of this decoder's (a slot from another decoder is an error). */
export function layerCachesOf(nLayers: number) {
  return (slot: DecodeSlot): slot is LayerCachesSlot => slot instanceof LayerCachesSlot && slot.caches.length === nLayers;
}

/** Where an entry's tokens sit in the packed row, and the position of its first one. */
export interface Packed<S extends DecodeSlot = LayerCachesSlot> {
  slot: S;
  start: number;
  count: number;
  offset: number;
}

export interface PackedBatch<S extends DecodeSlot> {
  packed: Packed<S>[];
  /** Every entry's new tokens, one after another: int32 (1, N). */
  ids: Tensor;
  /** The row of each entry's last token: int32 (B). */
  lastRows: Tensor;
  /** Each token's position in its own sequence: int32 (N). */
  positions(): Tensor;
  dispose(): void;
}

/** Checks the batch (ids, context, slots of this decoder: `own`) and packs it. */
export function packBatch<S extends DecodeSlot>(op: string, batch: readonly BatchEntry[], shape: { contextLength: number; vocabSize: number }, backend: Backend, own: (slot: DecodeSlot) => slot is S): PackedBatch<S> {
  checkBatch(op, batch, shape.contextLength, shape.vocabSize);
  const packed: Packed<S>[] = [];
  let n = 0;
  for (const { slot, ids } of batch) {
    if (!own(slot)) throw new Error(`${op}: a slot from another decoder`);
    packed.push({ slot, start: n, count: ids.length, offset: slot.length });
    n += ids.length;
  }
  const made: Tensor[] = [];
  const int32 = (data: number[], dims: number[]) => {
    const t = tensor(Int32Array.from(data), { shape: dims, backend });
    made.push(t);
    return t;
  };
  return {
    packed,
    ids: int32(batch.flatMap((e) => e.ids), [1, n]),
    lastRows: int32(packed.map((p) => p.start + p.count - 1), [packed.length]),
    positions: () => int32(packed.flatMap((p) => Array.from({ length: p.count }, (_, i) => p.offset + i)), [n]),
    dispose: () => { for (const t of made) t.dispose(); },
  };
}
