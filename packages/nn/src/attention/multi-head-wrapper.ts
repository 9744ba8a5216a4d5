// Section 3.6.1: multi-head attention as a stack of independent causal-attention heads whose
// outputs are concatenated (dOut per head, numHeads · dOut in all).
import { cat, type Tensor } from '@llm/tensor';
import { ModuleList } from '../containers.js';
import { Module } from '../module.js';
import { CausalAttention } from './causal.js';
import { checkAttention, type MultiHeadOptions, numHeadsOf } from './options.js';

export class MultiHeadAttentionWrapper extends Module {
  heads: ModuleList<CausalAttention>;

  constructor(opts: MultiHeadOptions) {
    super();
    checkAttention('MultiHeadAttentionWrapper', opts);
    const n = numHeadsOf('MultiHeadAttentionWrapper', opts);
    this.heads = new ModuleList(Array.from({ length: n }, () => new CausalAttention(opts)));
  }

  /** x (B, T, dIn) → (B, T, numHeads · dOut). */
  forward(x: Tensor): Tensor {
    return cat(this.heads.toArray().map((h) => h.forward(x)), -1);
  }
}
