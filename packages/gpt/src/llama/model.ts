// Llama 3.x (and SmolLM2, the same architecture) and Qwen3 beside the book's GPT: token embedding
// (no position embedding: positions enter as rotations of queries and keys), a stack of pre-norm
// blocks with RMSNorm, grouped-query attention and a SwiGLU feed-forward, a final RMSNorm and the
// vocabulary head (tied to the embedding in the small published models). No dropout and no biases,
// as published. Same forward, KV cache and generation interface as GPTModel.
import {
  type AttentionForwardOptions, Embedding, GroupedQueryAttention, Linear, Module, RMSNorm, RotaryEmbedding, Sequential, SwiGLUFeedForward,
} from '@llm/nn';
import { CausalLanguageModel, type CausalLMForwardOptions } from '../model/causal-lm.js';
import { assign, defaultGenerator, type Generator, noGrad, randn, type Tensor } from '@llm/tensor';
import type { BatchedDecoder } from '../generate/batched.js';
import { llamaBatchedDecoder } from './batched.js';
import { type LlamaConfig, validateLlamaConfig } from './config.js';

export class LlamaBlock extends Module {
  att: GroupedQueryAttention;
  ff: SwiGLUFeedForward;
  norm1: RMSNorm;
  norm2: RMSNorm;

  constructor(cfg: LlamaConfig, rope: RotaryEmbedding, init: 'none' | 'default') {
    super();
    this.att = new GroupedQueryAttention({
      dIn: cfg.embDim, numHeads: cfg.nHeads, numKVHeads: cfg.nKVHeads, headDim: cfg.headDim, contextLength: cfg.contextLength, rope,
      qkvBias: cfg.qkvBias, qkNormEps: cfg.modelType === 'qwen3' ? cfg.rmsNormEps : undefined, init,
    });
    this.ff = new SwiGLUFeedForward({ embDim: cfg.embDim, hiddenDim: cfg.hiddenDim, init });
    this.norm1 = new RMSNorm(cfg.embDim, cfg.rmsNormEps);
    this.norm2 = new RMSNorm(cfg.embDim, cfg.rmsNormEps);
  }

  /** x (B, T, embDim) → same shape. */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    const h = this.att.forward(this.norm1.forward(x), opts).add(x);
    return this.ff.forward(this.norm2.forward(h)).add(h);
  }
}

export interface LlamaModelOptions {
  /**
   * 'normal' (default): Hugging Face's _init_weights, every linear and embedding weight from
   * N(0, 0.02), RMSNorm weights one. 'none': zeros, for weights about to be loaded.
   */
  init?: 'normal' | 'none';
  generator?: Generator;
}

/** The forward's options (useCache, lastTokenOnly, hidden), as GPTModel's. */
export type LlamaForwardOptions = CausalLMForwardOptions;

export class LlamaModel extends CausalLanguageModel {
  readonly config: Readonly<LlamaConfig>;
  tokEmb: Embedding;
  trfBlocks: Sequential<LlamaBlock>;
  finalNorm: RMSNorm;
  outHead: Linear;
  /** The cos/sin tables every layer shares (not a parameter). */
  readonly rope: RotaryEmbedding;

  constructor(config: LlamaConfig, opts: LlamaModelOptions = {}) {
    super();
    this.config = Object.freeze({ ...validateLlamaConfig(config) });
    const init = opts.init ?? 'normal';
    if (init !== 'normal' && init !== 'none') throw new RangeError(`LlamaModel: init must be 'normal' or 'none', got ${JSON.stringify(init)}`);
    const { vocabSize, contextLength, embDim, nLayers, headDim, ropeTheta, ropeScaling, rmsNormEps, tieWeights } = this.config;
    this.rope = new RotaryEmbedding({ headDim, contextLength, theta: ropeTheta, scaling: ropeScaling });
    this.tokEmb = new Embedding(vocabSize, embDim, { init: 'none' });
    this.trfBlocks = new Sequential(...Array.from({ length: nLayers }, () => new LlamaBlock(this.config, this.rope, 'none')));
    this.finalNorm = new RMSNorm(embDim, rmsNormEps);
    this.outHead = new Linear(embDim, vocabSize, { bias: false, init: 'none' });
    if (tieWeights) this.tieWeights();
    if (init === 'normal') initNormal(this, opts.generator ?? defaultGenerator);
  }

  /** ids int32 (B, T) → logits (B, T, vocabSize); with hidden, the final RMSNorm's output (B, T, embDim), as GPTModel's. */
  forward(ids: Tensor, opts: LlamaForwardOptions = {}): Tensor {
    const offset = this.forwardOffset(ids, opts.useCache);
    const T = ids.shape[1];
    if (offset + T > this.config.contextLength) {
      throw new RangeError(`${this.constructor.name}.forward: ${T} tokens${offset ? ` after ${offset} cached ones` : ''} exceed the context length ${this.config.contextLength}`);
    }
    let x = this.tokEmb.forward(ids); // (B, T, embDim)
    for (const block of this.trfBlocks) x = block.forward(x, { useCache: opts.useCache });
    if (opts.useCache) this.cached(T);
    return this.finalOutput(x, opts); // (B, T, vocabSize), or (B, T, embDim) with hidden
  }

  /** Continuous batching for `llm serve` (see generate/batched.ts). */
  batchedDecoder(): BatchedDecoder {
    return llamaBatchedDecoder(this);
  }

  override dispose(): void {
    this.resetCache();
    this.rope.dispose();
    super.dispose();
  }
}

/** Qwen3: the Llama architecture with an RMSNorm on each query and key head (config.modelType 'qwen3'). */
export class Qwen3Model extends LlamaModel {
  constructor(config: Omit<LlamaConfig, 'modelType'> & { modelType?: LlamaConfig['modelType'] }, opts: LlamaModelOptions = {}) {
    super({ ...config, modelType: 'qwen3' }, opts);
  }
}

/** A Llama or a Qwen3 model for the config's modelType. */
export function createLlamaModel(config: LlamaConfig, opts: LlamaModelOptions = {}): LlamaModel {
  return config.modelType === 'qwen3' ? new Qwen3Model(config, opts) : new LlamaModel(config, opts);
}

const STD = 0.02;

function initNormal(model: LlamaModel, generator: Generator): void {
  noGrad(() => {
    for (const m of model.modules()) {
      if (!(m instanceof Linear || m instanceof Embedding)) continue;
      if (m === model.outHead && model.weightsTied) continue;
      const draw = randn([...m.weight.shape], { std: STD, generator });
      assign(m.weight, draw);
      draw.dispose();
    }
  });
}
