// What a model provides to be served with continuous batching: slots (one sequence's own KV
// caches) and a step that runs the new tokens of several sequences in one forward pass. Any
// model with `batchedDecoder()` can be driven by ContinuousBatcher; GPTModel's is in batched-gpt.ts.
import type { Tensor } from '@llm/tensor';

/** One sequence's decoding state: its KV caches for every layer. */
export interface DecodeSlot {
  /** Tokens cached so far, so also the position of the next token. */
  readonly length: number;
  /** Forgets the cached tokens and frees their storage; the slot can be used again. */
  reset(): void;
}

export interface BatchEntry {
  slot: DecodeSlot;
  /** The tokens that follow what the slot holds: a whole prompt, or the one newly drawn token. */
  ids: readonly number[];
}

export interface BatchedDecoder {
  readonly contextLength: number;
  readonly vocabSize: number;
  newSlot(): DecodeSlot;
  /**
   * One forward pass over several sequences. Each entry's ids are appended to its slot; returns
   * float32 logits at each entry's last id, (B, vocabSize), in entry order. Inference only (no dropout, no gradients).
   */
  step(batch: readonly BatchEntry[]): Tensor;
}

/** A model that can hand out a BatchedDecoder (GPTModel does). */
export interface BatchDecodable {
  batchedDecoder(): BatchedDecoder;
}

export function isBatchDecodable(model: unknown): model is BatchDecodable {
  return typeof (model as { batchedDecoder?: unknown } | null)?.batchedDecoder === 'function';
}

/** Checks a batch before any work: ids in the vocabulary, and every slot's tokens within the context. */
export function checkBatch(op: string, batch: readonly BatchEntry[], contextLength: number, vocabSize: number): void {
  if (batch.length === 0) throw new Error(`${op}: the batch is empty`);
  batch.forEach(({ slot, ids }, i) => {
    if (ids.length === 0) throw new Error(`${op}: entry ${i} has no tokens`);
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (bad !== undefined) throw new RangeError(`${op}: entry ${i} holds token id ${bad}, outside 0..${vocabSize - 1}`);
    if (slot.length + ids.length > contextLength) {
      throw new RangeError(`${op}: entry ${i} has ${ids.length} new tokens after ${slot.length} cached ones, more than the context length ${contextLength}; reset its slot`);
    }
  });
  if (new Set(batch.map((e) => e.slot)).size !== batch.length) throw new Error(`${op}: a slot appears twice in one batch`);
}
