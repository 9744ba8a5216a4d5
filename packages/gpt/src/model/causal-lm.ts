// What GPTModel and LlamaModel share: a token embedding, a stack of blocks with KV-cached
// attention, a final norm and a vocabulary head that may be tied to the embedding; the count of
// cached tokens; the forward's options and its last step (final norm, then head or hidden states).
import type { Embedding, Linear } from '@llm/nn';
import { Module } from '@llm/nn';
import type { Tensor } from '@llm/tensor';

/** The options of GPTModel's and LlamaModel's forward. */
export interface CausalLMForwardOptions {
  /** Continue from the tokens cached by earlier calls (ids then holds only the new tokens). */
  useCache?: boolean;
  /** Compute the logits of the last position only: (B, 1, vocabSize). Generation needs no more. */
  lastTokenOnly?: boolean;
  /** Return the final norm's output (B, T, embDim) instead of logits: the hidden states embeddings pool. */
  hidden?: boolean;
}

export abstract class CausalLanguageModel extends Module {
  abstract tokEmb: Embedding;
  /** LayerNorm (GPT) or RMSNorm (Llama): (B, T, embDim) → same shape. */
  abstract finalNorm: { forward(x: Tensor): Tensor };
  abstract outHead: Linear;
  abstract trfBlocks: Iterable<{ att: { resetCache(): void } }>;
  #cached = 0;

  /** Makes the output head use the token embedding's weight (one tensor, trained once), as GPT-2. */
  tieWeights(): this {
    if (this.outHead.weight !== this.tokEmb.weight) {
      if (this.outHead.weight.shape.join() !== this.tokEmb.weight.shape.join()) {
        throw new Error(`tieWeights: the head's weight [${this.outHead.weight.shape.join(', ')}] does not match the token embedding [${this.tokEmb.weight.shape.join(', ')}]`);
      }
      this.outHead.weight.dispose();
      this.outHead.weight = this.tokEmb.weight;
    }
    return this;
  }

  /** Whether the output head shares the token embedding's weight. */
  get weightsTied(): boolean {
    return this.outHead.weight === this.tokEmb.weight;
  }

  /** Tokens in the KV cache. */
  get cacheLength(): number {
    return this.#cached;
  }

  /** Empties every block's KV cache. */
  resetCache(): void {
    for (const block of this.trfBlocks) block.att.resetCache();
    this.#cached = 0;
  }

  /** ids must be int32 (batch, tokens); returns where they start: after the cached tokens, or at 0. */
  protected forwardOffset(ids: Tensor, useCache: boolean | undefined): number {
    const name = this.constructor.name;
    if (ids.dtype !== 'int32') throw new TypeError(`${name}.forward: ids must be int32 token ids, got ${ids.dtype} [${ids.shape.join(', ')}]`);
    if (ids.ndim !== 2) throw new Error(`${name}.forward: expected ids (batch, tokens), got [${ids.shape.join(', ')}]`);
    return useCache ? this.#cached : 0;
  }

  /** Counts the tokens a cached forward added. */
  protected cached(tokens: number): void {
    this.#cached += tokens;
  }

  /**
   * The forward's last step: x (B, T, embDim), the last block's output → logits (B, T, vocabSize), or
   * with hidden the final norm's output (B, T, embDim); T is 1 with lastTokenOnly.
   */
  protected finalOutput(x: Tensor, opts: Pick<CausalLMForwardOptions, 'lastTokenOnly' | 'hidden'>): Tensor {
    if (opts.lastTokenOnly) x = x.narrow(1, x.shape[1] - 1, 1);
    const h = this.finalNorm.forward(x); // (B, T, embDim)
    return opts.hidden ? h : this.outHead.forward(h); // (B, T, vocabSize)
  }
}
