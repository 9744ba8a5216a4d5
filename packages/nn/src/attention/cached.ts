// What every attention layer with a KV cache shares: the cache of earlier calls' keys and values
// (sized to the context length, grown on demand), its length, and resetting and freeing it.
import type { Tensor } from '@llm/tensor';
import type { Dropout } from '../layers/dropout.js';
import { Module } from '../module.js';
import { KVCache } from './kv-cache.js';

export abstract class CachedAttention extends Module {
  abstract readonly contextLength: number;
  abstract dropout: Dropout;

  /**
   * Whether the attention weights are needed as a tensor: a caller observes them, or dropout
   * applies to them. Otherwise one scaledDotProductAttention does it (fused for inference).
   */
  protected needsWeights(onWeights?: (weights: Tensor) => void): boolean {
    return onWeights !== undefined || (this.training && this.dropout.p > 0);
  }
  #cache: KVCache | undefined;

  /** The layer's own cache (batched decoding keeps one per sequence instead). */
  protected get kvCache(): KVCache {
    return (this.#cache ??= new KVCache(this.contextLength));
  }

  /** Tokens in the KV cache. */
  get cacheLength(): number {
    return this.#cache?.length ?? 0;
  }

  resetCache(): void {
    this.#cache?.reset();
  }

  override dispose(): void {
    this.#cache?.reset();
    super.dispose();
  }
}
