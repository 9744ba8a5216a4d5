// The causal mask: 1 where a query at position i would see a key at j > i (the future), 0 elsewhere.
// One (n, n) mask per backend and context length is made once and shared by every attention
// layer (GPT-2 XL's 48 layers would otherwise hold 48 copies of a 1024² mask); layers take
// windows of it, which are views.
import { type Backend, keep, type Tensor, tensor } from '@llm/tensor';

const masks = new WeakMap<Backend, Map<number, Tensor>>();

function fullMask(backend: Backend, n: number): Tensor {
  let byLength = masks.get(backend);
  if (!byLength) masks.set(backend, (byLength = new Map()));
  let mask = byLength.get(n);
  if (!mask) {
    const data = new Float32Array(n * n);
    for (let i = 0; i < n; i++) data.fill(1, i * n + i + 1, (i + 1) * n);
    mask = keep(tensor(data, { shape: [n, n], backend }));
    byLength.set(n, mask);
  }
  return mask;
}

/**
 * The mask rows for queries at positions [offset, offset + numQueries) against keys at
 * [0, numKeys): (numQueries, numKeys), a view of a shared tensor (do not write to it).
 */
export function causalMask(backend: Backend, contextLength: number, numQueries: number, numKeys = numQueries, offset = numKeys - numQueries): Tensor {
  if (offset < 0 || offset + numQueries > contextLength || numKeys > contextLength) {
    throw new RangeError(`causalMask: queries [${offset}, ${offset + numQueries}) and ${numKeys} keys do not fit a context of ${contextLength}`);
  }
  return fullMask(backend, contextLength).narrow(0, offset, numQueries).narrow(1, 0, numKeys);
}
