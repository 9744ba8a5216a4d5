// Section 4.6's GPT model: token + position embeddings, a stack of transformer blocks, a final
// LayerNorm and a linear head to vocabulary logits. With useCache the blocks keep the keys and
// values of earlier calls, so generation feeds one new token per step.
import { Dropout, Embedding, type InitOptions, LayerNorm, Linear, Sequential } from '@llm/nn';
import { arange, type Generator, type Tensor } from '@llm/tensor';
import { validateConfig } from '../config.js';
import type { BatchedDecoder } from '../generate/batched.js';
import { gptBatchedDecoder } from '../generate/batched-gpt.js';
import type { GPTConfig } from '../io/hf-config.js';
import { CausalLanguageModel, type CausalLMForwardOptions } from './causal-lm.js';
import { initGPT2Weights } from './init-gpt2.js';
import { TransformerBlock } from './transformer-block.js';

export type GPTInit = 'pytorch' | 'gpt2' | 'none';

export interface GPTModelOptions {
  /**
   * 'pytorch' (default): PyTorch's defaults, as the book (embeddings N(0, 1), linear layers
   * U(±1/√fanIn), LayerNorm ones/zeros). 'gpt2': GPT-2's N(0, 0.02) with residual projections
   * scaled by 1/√(2·nLayers) and zero biases. 'none': zeros, for weights about to be loaded.
   */
  init?: GPTInit;
  /** Draws the initial weights (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
  /** Share the token embedding with the output head, as GPT-2 (default false, as the book). */
  tieWeights?: boolean;
}

/** The forward's options (useCache, lastTokenOnly, hidden), as LlamaModel's. */
export type GPTForwardOptions = CausalLMForwardOptions;

export class GPTModel extends CausalLanguageModel {
  readonly config: Readonly<GPTConfig>;
  tokEmb: Embedding;
  posEmb: Embedding;
  dropEmb: Dropout;
  trfBlocks: Sequential<TransformerBlock>;
  finalNorm: LayerNorm;
  outHead: Linear;

  constructor(config: GPTConfig, opts: GPTModelOptions = {}) {
    super();
    this.config = Object.freeze({ ...validateConfig(config) });
    const init = opts.init ?? 'pytorch';
    if (!['pytorch', 'gpt2', 'none'].includes(init)) throw new RangeError(`GPTModel: init must be 'pytorch', 'gpt2' or 'none', got ${JSON.stringify(init)}`);
    const layerInit: InitOptions = { generator: opts.generator, init: init === 'pytorch' ? 'default' : 'none' };
    const { vocabSize, contextLength, embDim, nLayers, dropRate } = this.config;
    this.tokEmb = new Embedding(vocabSize, embDim, layerInit);
    this.posEmb = new Embedding(contextLength, embDim, layerInit);
    this.dropEmb = new Dropout(dropRate);
    this.trfBlocks = new Sequential(...Array.from({ length: nLayers }, () => new TransformerBlock(this.config, layerInit)));
    this.finalNorm = new LayerNorm(embDim);
    this.outHead = new Linear(embDim, vocabSize, { bias: false, ...(opts.tieWeights ? { init: 'none' } : layerInit) });
    if (opts.tieWeights) this.tieWeights();
    if (init === 'gpt2') initGPT2Weights(this, opts.generator);
  }

  /** ids int32 (B, T) → logits (B, T, vocabSize); with hidden, the final LayerNorm's output (B, T, embDim). */
  forward(ids: Tensor, opts: GPTForwardOptions = {}): Tensor {
    const offset = this.forwardOffset(ids, opts.useCache);
    const T = ids.shape[1];
    const { contextLength } = this.config;
    if (offset + T > contextLength) {
      throw new RangeError(
        offset
          ? `GPTModel.forward: ${T} new tokens after ${offset} cached ones exceed the context length ${contextLength}; call resetCache()`
          : `GPTModel.forward: ${T} tokens exceed the model's context length ${contextLength}; keep the last ${contextLength} (ids.slice(1, -${contextLength}))`,
      );
    }
    const tokEmbeds = this.tokEmb.forward(ids); // (B, T, embDim)
    const posEmbeds = this.posEmb.forward(arange(offset, offset + T, 1, { backend: ids.backend })); // (T, embDim)
    let x = this.dropEmb.forward(tokEmbeds.add(posEmbeds));
    for (const block of this.trfBlocks) x = block.forward(x, { useCache: opts.useCache });
    if (opts.useCache) this.cached(T);
    return this.finalOutput(x, opts); // (B, T, vocabSize), or (B, T, embDim) with hidden
  }

  /** Decodes many sequences per forward pass, each with its own KV cache (continuous batching, see ContinuousBatcher). */
  batchedDecoder(): BatchedDecoder {
    return gptBatchedDecoder(this);
  }

  override dispose(): void {
    this.resetCache();
    super.dispose();
  }
}
