// Keys and values of the tokens seen so far, for incremental decoding: each new token attends to
// the cached ones instead of recomputing them. Storage is (B, H, capacity, headDim), grown by
// doubling up to the context length and written in place, so appending one token costs one
// token's copy, not a concatenation of the whole history.
import { assign, keep, noGrad, type Tensor, zeros } from '@llm/tensor';

export class KVCache {
  #keys: Tensor | null = null;
  #values: Tensor | null = null;
  #length = 0;

  constructor(readonly maxLength: number) {}

  /** Tokens cached so far. */
  get length(): number {
    return this.#length;
  }

  get capacity(): number {
    return this.#keys?.shape[2] ?? 0;
  }

  /** Appends keys and values (B, H, T, headDim); returns views of everything cached, (B, H, length, headDim). */
  append(keys: Tensor, values: Tensor): { keys: Tensor; values: Tensor } {
    const [B, H, T, D] = keys.shape;
    const needed = this.#length + T;
    if (needed > this.maxLength) throw new RangeError(`KVCache: ${needed} tokens exceed the context length ${this.maxLength}; reset the cache`);
    if (this.#keys && (this.#keys.shape[0] !== B || this.#keys.shape[1] !== H || this.#keys.shape[3] !== D)) {
      throw new Error(`KVCache: keys [${keys.shape.join(', ')}] do not match the cached [${this.#keys.shape.join(', ')}] (batch, heads or head size changed); reset the cache`);
    }
    noGrad(() => {
      if (needed > this.capacity) this.#grow(keys, needed);
      assign(this.#keys!.narrow(2, this.#length, T), keys);
      assign(this.#values!.narrow(2, this.#length, T), values);
    });
    this.#length = needed;
    return { keys: this.#keys!.narrow(2, 0, needed), values: this.#values!.narrow(2, 0, needed) };
  }

  #grow(like: Tensor, needed: number): void {
    const [B, H, , D] = like.shape;
    const capacity = Math.min(this.maxLength, Math.max(needed, 2 * this.capacity, 16));
    const make = (old: Tensor | null) => {
      const fresh = keep(zeros([B, H, capacity, D], { backend: like.backend }));
      if (old) {
        if (this.#length > 0) assign(fresh.narrow(2, 0, this.#length), old.narrow(2, 0, this.#length));
        old.dispose();
      }
      return fresh;
    };
    this.#keys = make(this.#keys);
    this.#values = make(this.#values);
  }

  /** Forgets every cached token and frees the storage. */
  reset(): void {
    this.#keys?.dispose();
    this.#values?.dispose();
    this.#keys = this.#values = null;
    this.#length = 0;
  }
}
