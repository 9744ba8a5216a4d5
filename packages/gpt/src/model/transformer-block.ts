// Section 4.5's transformer block: pre-LayerNorm attention and feed-forward sub-layers, each with
// dropout and a shortcut (residual) connection around it.
import { type AttentionForwardOptions, Dropout, FeedForward, type InitOptions, LayerNorm, Module, MultiHeadAttention } from '@llm/nn';
import type { Tensor } from '@llm/tensor';
import type { GPTConfig } from '../io/hf-config.js';

export class TransformerBlock extends Module {
  att: MultiHeadAttention;
  ff: FeedForward;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropShortcut: Dropout;

  constructor(cfg: GPTConfig, opts: InitOptions = {}) {
    super();
    this.att = new MultiHeadAttention({
      dIn: cfg.embDim, dOut: cfg.embDim, contextLength: cfg.contextLength, numHeads: cfg.nHeads,
      dropout: cfg.dropRate, qkvBias: cfg.qkvBias, ...opts,
    });
    this.ff = new FeedForward(cfg, opts);
    this.norm1 = new LayerNorm(cfg.embDim);
    this.norm2 = new LayerNorm(cfg.embDim);
    this.dropShortcut = new Dropout(cfg.dropRate);
  }

  /** x (B, T, embDim) → same shape. */
  forward(x: Tensor, opts: AttentionForwardOptions = {}): Tensor {
    const h = this.dropShortcut.forward(this.att.forward(this.norm1.forward(x), opts)).add(x);
    return this.dropShortcut.forward(this.ff.forward(this.norm2.forward(h))).add(h);
  }
}
