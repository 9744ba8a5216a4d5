// A model's one-line description, and small random GPTs for the unit tests.
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { Generator } from '@llm/tensor';

/** A randomly initialised model (PyTorch's default init, as the book), in eval mode. */
export function createTinyModel(seed: number, config: GPTConfig): GPTModel {
  return new GPTModel(config, { generator: new Generator(seed) }).eval();
}

export function describeModel(model: GPTModel): string {
  const c = model.config;
  const params = model.numParameters();
  return `${c.nLayers} layers × ${c.nHeads} heads, embDim ${c.embDim}, context ${c.contextLength}, vocab ${c.vocabSize}: ${(params / 1e6).toFixed(2)}M parameters`;
}
