// Section 3.3's simplified self-attention, without trainable weights: each context vector is the
// softmax(x xᵀ)-weighted sum of all inputs.
import { type Tensor } from '@llm/tensor';

/** inputs (..., T, d) → context vectors (..., T, d). */
export function simplifiedSelfAttention(inputs: Tensor): Tensor {
  if (inputs.ndim < 2) throw new Error(`simplifiedSelfAttention: expected inputs (T, d) or (B, T, d), got [${inputs.shape.join(', ')}]`);
  const attnScores = inputs.matmul(inputs.transpose(-2, -1)); // (..., T, T)
  const attnWeights = attnScores.softmax(-1);
  return attnWeights.matmul(inputs);
}
