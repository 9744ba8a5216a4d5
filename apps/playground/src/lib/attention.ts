// The attention weights of every layer and head for one prompt, as each layer's MultiHeadAttention
// hands them out during the forward pass (its onAttentionWeights option): softmax(mask(QKᵀ)/√headDim).
import type { GPTModel } from '@llm/gpt';
import { arange, noGrad, stack, type Tensor, tensor, tidy } from '@llm/tensor';

export interface AttentionMaps {
  nLayers: number;
  nHeads: number;
  /** Tokens (queries = keys). */
  T: number;
  /** (nLayers, nHeads, T, T): row q holds how much query q attends to each key. */
  weights: Float32Array;
}

/** One head's (T, T) map out of maps. */
export function headMap(maps: AttentionMaps, layer: number, head: number): Float32Array {
  const size = maps.T * maps.T;
  const at = (layer * maps.nHeads + head) * size;
  return maps.weights.subarray(at, at + size);
}

/** Runs the prompt through the model (eval mode is the caller's) and collects every layer's weights. */
export async function modelAttention(model: GPTModel, ids: readonly number[]): Promise<AttentionMaps> {
  const T = ids.length;
  const { nLayers, nHeads, contextLength } = model.config;
  if (T === 0) throw new Error('modelAttention: the prompt has no tokens');
  if (T > contextLength) throw new RangeError(`modelAttention: ${T} tokens exceed the model's context length ${contextLength}`);
  const backend = model.tokEmb.weight.backend;
  const all = noGrad(() => tidy(() => {
    const input = tensor(Int32Array.from(ids), { shape: [1, T], backend });
    let x = model.dropEmb.forward(model.tokEmb.forward(input).add(model.posEmb.forward(arange(0, T, 1, { backend })))); // (1, T, E)
    const perLayer: Tensor[] = [];
    for (const block of model.trfBlocks) {
      x = block.forward(x, { onAttentionWeights: (w) => perLayer.push(w.squeeze(0)) }); // w: (1, H, T, T)
    }
    return stack(perLayer, 0); // (L, H, T, T)
  }));
  try {
    return { nLayers, nHeads, T, weights: (await all.data()) as Float32Array };
  } finally {
    all.dispose();
  }
}
