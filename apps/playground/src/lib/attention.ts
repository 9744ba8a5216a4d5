// The attention weights of every layer and head for one prompt. @llm/nn's MultiHeadAttention does
// not expose them, so they are recomputed here from each layer's own query and key projections,
// exactly as its forward does: softmax(mask(Q Kᵀ) / √headDim) on the block's normalised input.
import type { GPTModel } from '@llm/gpt';
import { causalMask, type MultiHeadAttention } from '@llm/nn';
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

/** Attention weights (B, H, T, T) of `att` for its input x (B, T, dIn), without dropout. */
export function attentionWeights(att: MultiHeadAttention, x: Tensor): Tensor {
  const [B, T] = x.shape;
  const heads = (t: Tensor) => t.view(B, T, att.numHeads, att.headDim).transpose(1, 2); // (B, H, T, headDim)
  const queries = heads(att.wQuery.forward(x));
  const keys = heads(att.wKey.forward(x));
  const scores = queries.matmul(keys.transpose(2, 3)).maskedFill(causalMask(x.backend, att.contextLength, T), -Infinity); // (B, H, T, T)
  return scores.mul(1 / Math.sqrt(att.headDim)).softmax(-1);
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
      perLayer.push(attentionWeights(block.att, block.norm1.forward(x)).squeeze(0)); // (H, T, T)
      x = block.forward(x);
    }
    return stack(perLayer, 0); // (L, H, T, T)
  }));
  try {
    return { nLayers, nHeads, T, weights: (await all.data()) as Float32Array };
  } finally {
    all.dispose();
  }
}
