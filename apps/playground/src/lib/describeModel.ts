// A model's one-line description for the model panel.
import type { GPTModel } from '@llm/gpt';

export function describeModel(model: GPTModel): string {
  const c = model.config;
  const params = model.numParameters();
  return `${c.nLayers} layers × ${c.nHeads} heads, embDim ${c.embDim}, context ${c.contextLength}, vocab ${c.vocabSize}: ${(params / 1e6).toFixed(2)}M parameters`;
}
