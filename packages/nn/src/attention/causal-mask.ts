// The causal mask: 1 where a query at position i would see a key at j > i (the future), 0 elsewhere.
// One (n, n) mask per backend and context length is shared by every attention layer that holds it
// (GPT-2 XL's 48 layers would otherwise hold 48 copies of a 1024² mask); layers take windows of it,
// which are views. The last holder's release() frees it, so Module.dispose leaves no mask behind.
import { type Backend, keep, type Tensor, tensor } from '@llm/tensor';

interface Shared {
  mask: Tensor; // (n, n)
  holders: number;
}

const masks = new WeakMap<Backend, Map<number, Shared>>();

/** A hold on the shared (n, n) mask of this backend: `mask` stays valid until `release()` (call it once). */
export function holdCausalMask(backend: Backend, n: number): { mask: Tensor; release(): void } {
  let byLength = masks.get(backend);
  if (!byLength) masks.set(backend, (byLength = new Map()));
  let shared = byLength.get(n);
  if (!shared) {
    const data = new Float32Array(n * n);
    for (let i = 0; i < n; i++) data.fill(1, i * n + i + 1, (i + 1) * n);
    shared = { mask: keep(tensor(data, { shape: [n, n], backend })), holders: 0 };
    byLength.set(n, shared);
  }
  shared.holders++;
  const held = shared;
  let released = false;
  return {
    mask: held.mask,
    release: () => {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      held.mask.dispose();
      byLength.delete(n);
    },
  };
}

/**
 * The mask rows for queries at positions [offset, offset + numQueries) against keys at
 * [0, numKeys): (numQueries, numKeys), a view (do not write to it) that is yours to dispose; it
 * keeps the storage it shares alive as long as it lives.
 */
export function causalMask(backend: Backend, contextLength: number, numQueries: number, numKeys = numQueries, offset = numKeys - numQueries): Tensor {
  if (offset < 0 || offset + numQueries > contextLength || numKeys > contextLength) {
    throw new RangeError(`causalMask: queries [${offset}, ${offset + numQueries}) and ${numKeys} keys do not fit a context of ${contextLength}`);
  }
  const hold = holdCausalMask(backend, contextLength);
  const rows = hold.mask.narrow(0, offset, numQueries);
  const window = rows.narrow(1, 0, numKeys);
  rows.dispose();
  hold.release();
  return window;
}
