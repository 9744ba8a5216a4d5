// The playground's model: GPT-2's architecture and vocabulary at a size a browser trains in
// seconds (about 6.5M parameters, nearly all in the token embedding and the output head).
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { Generator } from '@llm/tensor';

export const TINY_CONFIG: Readonly<GPTConfig> = Object.freeze({
  vocabSize: 50257, contextLength: 64, embDim: 64, nHeads: 4, nLayers: 2, dropRate: 0, qkvBias: false,
});

/** A randomly initialised model (PyTorch's default init, as the book), in eval mode. */
export function createTinyModel(seed: number, config: GPTConfig = TINY_CONFIG): GPTModel {
  return new GPTModel(config, { generator: new Generator(seed) }).eval();
}

export function describeModel(model: GPTModel): string {
  const c = model.config;
  const params = model.numParameters();
  return `${c.nLayers} layers × ${c.nHeads} heads, embDim ${c.embDim}, context ${c.contextLength}, vocab ${c.vocabSize}: ${(params / 1e6).toFixed(2)}M parameters`;
}

/**
 * Throws when a GPT-2 token id is outside the model's vocabulary (a checkpoint with a smaller one):
 * the CPU backend would fail on the lookup, WebGPU would quietly clamp it.
 */
export function checkTokensFit(ids: ArrayLike<number>, config: Pick<GPTConfig, 'vocabSize'>, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] >= config.vocabSize) {
      throw new RangeError(`${what}: token ${i} has id ${ids[i]}, outside this model's vocabulary of ${config.vocabSize} (it was not made for GPT-2's tokenizer)`);
    }
  }
}
