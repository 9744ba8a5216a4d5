// Attention for a packed batch against a KVPool, with a number of ops that does not grow with the
// batch: the new keys and values of all N tokens are written into the pool in one call, and every
// sequence that feeds one token (a decoding step) attends in one attention call over all pool
// rows, each row limited to its own length. Only a sequence feeding several tokens (a prompt,
// or the window again after it slid) attends on its own, causally, against its row. The masked
// positions get weight exactly 0, so each sequence's result is the one it gets alone.
import type { MultiHeadAttention } from '@llm/nn';
import { type Backend, cat, indexSelect, scaledDotProductAttention, type Tensor, tensor } from '@llm/tensor';
import type { KVPool, PoolSlot } from './kv-pool.js';
import type { Packed } from './packing.js';

/** What every layer of one step shares: where to write, who decodes, the masks. Tensors live in the step's tidy. */
export interface StepPlan {
  /** Flat row of each new token's head in the pool's (rows·H·T, headDim) view: int32 (N·H). */
  writeIndex: Tensor;
  /**
   * Entries feeding one token: their packed rows (null: every entry), their pool rows and the pool
   * row → entry map (null: entry e is row e, every row), the keys each pool row sees (undefined: every row sees every key).
   */
  decode: { tokens: Tensor | null; rows: Tensor | null; entryOfRow: Tensor | null; lengths: number[] | undefined; count: number; keys: number } | null;
  /** Entries feeding several tokens, attending one by one. */
  prefill: Packed<PoolSlot>[];
  /** Row of [decode contexts, prefill contexts] that holds each packed row: int32 (N), null when already in order. */
  order: Tensor | null;
}

const int32 = (data: number[], backend: Backend) => tensor(Int32Array.from(data), { shape: [data.length], backend });

/** The plan of a step whose slots have their rows (pool.reserve) and still hold their old lengths. */
export function planStep(pool: KVPool, packed: readonly Packed<PoolSlot>[], n: number): StepPlan {
  const { numHeads: H, time: T, rows: P, backend } = pool;
  const writeIndex: number[] = new Array(n * H);
  for (const p of packed) {
    for (let i = 0; i < p.count; i++) for (let h = 0; h < H; h++) writeIndex[(p.start + i) * H + h] = (p.slot.row * H + h) * T + p.offset + i;
  }
  const decoding = packed.filter((p) => p.count === 1);
  const prefill = packed.filter((p) => p.count > 1);
  const order: number[] = new Array(n);
  let next = 0;
  for (const p of [...decoding, ...prefill]) for (let i = 0; i < p.count; i++) order[p.start + i] = next++;
  let decode: StepPlan['decode'] = null;
  if (decoding.length) {
    // keys 0..keys-1 cover the longest row; a row's own keys are 0..offset (its new one included)
    const keys = Math.max(...decoding.map((p) => p.offset + 1));
    const entryOfRow = new Array(P).fill(0);
    const visible = new Array(P).fill(1); // rows outside the batch see key 0 (their result is dropped)
    decoding.forEach((p, e) => {
      entryOfRow[p.slot.row] = e;
      visible[p.slot.row] = p.offset + 1;
    });
    const inOrder = decoding.length === P && decoding.every((p, e) => p.slot.row === e); // (one sequence alone, say)
    decode = {
      tokens: prefill.length ? int32(decoding.map((p) => p.start), backend) : null,
      rows: inOrder ? null : int32(decoding.map((p) => p.slot.row), backend),
      entryOfRow: inOrder ? null : int32(entryOfRow, backend),
      lengths: visible.some((v) => v !== keys) ? visible : undefined,
      count: decoding.length,
      keys,
    };
  }
  return { writeIndex: int32(writeIndex, backend), decode, prefill, order: order.every((r, i) => r === i) ? null : int32(order, backend) };
}

/** x (1, N, C) packed → (1, N, C): projections over all rows, attention against the pool's `layer`. */
export function pooledAttention(att: MultiHeadAttention, x: Tensor, pool: KVPool, layer: number, plan: StepPlan): Tensor {
  const { numHeads: H, headDim: D } = att;
  const N = x.shape[1];
  const queries = att.wQuery.forward(x).reshape(N, H * D); // (N, C)
  pool.write(layer, att.wKey.forward(x).reshape(N * H, D), att.wValue.forward(x).reshape(N * H, D), plan.writeIndex);
  const keys = pool.keys[layer], values = pool.values[layer]; // (P, H, T, D)
  const scale = 1 / Math.sqrt(D);
  const contexts: Tensor[] = [];
  if (plan.decode) {
    const { tokens, rows, entryOfRow, lengths, count: B, keys: K } = plan.decode;
    const q = (tokens ? indexSelect(queries, 0, tokens) : queries).reshape(B, H, 1, D); // one query per decoding entry
    const qRows = entryOfRow ? indexSelect(q, 0, entryOfRow) : q; // (P, H, 1, D): each pool row's query
    // a single query sees every key up to its row's length (fused on the CPU: no (P, H, 1, K) weights)
    const context = scaledDotProductAttention(qRows, keys.narrow(2, 0, K), values.narrow(2, 0, K), { scale, offset: K - 1, lengths }); // (P, H, 1, D)
    contexts.push((rows ? indexSelect(context, 0, rows) : context).reshape(1, B, H * D)); // (1, B, C)
  }
  for (const p of plan.prefill) {
    const rowOf = (t: Tensor) => t.narrow(0, p.slot.row, 1).narrow(2, 0, p.offset + p.count); // (1, H, offset + T, D)
    const q = queries.narrow(0, p.start, p.count).reshape(1, p.count, H, D).transpose(1, 2); // (1, H, T, D)
    contexts.push(att.attend(q, rowOf(keys), rowOf(values), p.offset)); // (1, T, C)
  }
  let context = contexts.length === 1 ? contexts[0] : cat(contexts, 1);
  if (plan.order) context = indexSelect(context, 1, plan.order);
  return att.outProj.forward(context);
}
