// What every attention layer with a KV cache shares: the cache of earlier calls' keys and values
// (sized to the context length, grown on demand), its length, and resetting and freeing it.
import { Module } from '../module.js';
import { KVCache } from './kv-cache.js';

export abstract class CachedAttention extends Module {
  abstract readonly contextLength: number;
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
