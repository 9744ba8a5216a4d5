// Text embeddings from a language model (GPTModel, LlamaModel/Qwen3Model): the final norm's output
// (LayerNorm in GPT-2, RMSNorm in Llama; the hidden state the output head reads) at every token of
// the input, averaged over the tokens and scaled to unit L2 length, so that the dot product of two
// embeddings is their cosine similarity.
import { noGrad, type Tensor, tensor, tidy } from '@llm/tensor';

/** What embed needs: a forward that can return the final hidden states, as GPTModel's and LlamaModel's `hidden` option. */
export interface EmbeddingModel {
  /** ids int32 (1, T) → (1, T, embDim) with hidden: true. */
  forward(ids: Tensor, opts: { hidden: true }): Tensor;
  config: { contextLength: number; vocabSize: number; embDim: number };
  /** The weights, if any: the input ids go to the first one's backend. */
  parameters?(): Tensor[];
}

/** The embedding of one token sequence (at most contextLength tokens): mean-pooled final hidden states, L2-normalised. */
export async function embed(model: EmbeddingModel, ids: readonly number[]): Promise<Float32Array> {
  const { contextLength, vocabSize } = model.config;
  if (ids.length === 0) throw new Error('embed: the input must hold at least one token');
  if (ids.length > contextLength) throw new RangeError(`embed: ${ids.length} tokens exceed the model's context length ${contextLength}`);
  const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new RangeError(`embed: token id ${bad} is outside 0..${vocabSize - 1}`);
  const backend = model.parameters?.()[0]?.backend;
  const input = tensor(Int32Array.from(ids), { shape: [1, ids.length], backend });
  let pooled: Tensor;
  try {
    pooled = noGrad(() => tidy(() => {
      const hidden = model.forward(input, { hidden: true }); // (1, T, embDim)
      // a model whose forward ignores the option would hand back logits: refuse, do not pool them
      if (hidden.shape[2] !== model.config.embDim) throw new Error(`embed: the model's forward(ids, { hidden: true }) gave [${hidden.shape.join(', ')}], not (1, T, ${model.config.embDim}): it does not provide hidden states`);
      return hidden.mean(1); // (1, embDim)
    }));
  } finally {
    input.dispose();
  }
  const v = Float32Array.from((await pooled.data()) as Float32Array);
  pooled.dispose();
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
