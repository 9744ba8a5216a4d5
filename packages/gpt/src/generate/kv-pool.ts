// The KV caches of every sequence a batched decoder serves, in one tensor per layer for keys and
// one for values, (rows, H, T, headDim): each slot in use owns one row. With all the caches in one
// tensor a decoding step writes the new keys and values of the whole batch in one kernel call and
// attends for every sequence in one batched matmul (batched-attention.ts), instead of a few small
// ops per sequence. Rows and T grow by doubling as sequences arrive and lengthen (T up to the
// context length); a slot's row goes back to the pool when it is reset, and the storage is freed
// when no slot holds tokens.
import { assign, type Backend, fill, keep, noGrad, type Tensor, tidy, zeros } from '@llm/tensor';
import type { DecodeSlot } from './batched.js';

export class PoolSlot implements DecodeSlot {
  /** The pool row holding this slot's keys and values; -1 while it holds none. */
  row = -1;
  length = 0;

  constructor(readonly pool: KVPool) {}

  reset(): void {
    this.pool.release(this);
  }
}

export class KVPool {
  /** Per layer: (rows, H, T, headDim). Positions at or past a row's length hold zeros. */
  keys: Tensor[] = [];
  values: Tensor[] = [];
  #rows = 0;
  #time = 0;
  #free: number[] = [];

  constructor(
    readonly nLayers: number,
    readonly numHeads: number,
    readonly headDim: number,
    readonly contextLength: number,
    readonly backend: Backend,
  ) {}

  /** Rows allocated (in use or free). */
  get rows(): number {
    return this.#rows;
  }

  /** Positions allocated per row. */
  get time(): number {
    return this.#time;
  }

  newSlot(): PoolSlot {
    return new PoolSlot(this);
  }

  /** Gives every slot a row and makes room for `length` positions per row. */
  reserve(slots: readonly PoolSlot[], length: number): void {
    const missing = slots.filter((s) => s.row < 0).length;
    const rows = Math.max(this.#rows, this.#rows - this.#free.length + missing);
    const time = length > this.#time ? Math.min(this.contextLength, Math.max(length, 2 * this.#time, 16)) : this.#time;
    if (rows > this.#rows || time > this.#time) this.#grow(rows > this.#rows ? Math.max(rows, 2 * this.#rows) : this.#rows, time);
    for (const s of slots) if (s.row < 0) s.row = this.#free.pop()!;
  }

  /**
   * Writes keys and values (N·H, headDim) of `layer` at the flat rows `index` (N·H) of the
   * (rows·H·T, headDim) view. The tensor package has no index-put op; indexAdd into positions the
   * pool keeps at zero is one, exactly (0 + v = v).
   */
  write(layer: number, keys: Tensor, values: Tensor, index: Tensor): void {
    const size = this.#rows * this.numHeads * this.#time;
    for (const [dst, src] of [[this.keys[layer], keys], [this.values[layer], values]]) {
      const dense = src.isContiguous && src.offset === 0 ? src : src.contiguous();
      this.backend.indexAdd(dst.storage, index.storage, dense.storage, 1, size, this.headDim, index.size);
    }
  }

  /** Zeroes a slot's positions and takes back its row; frees the storage when no row is in use. */
  release(slot: PoolSlot): void {
    if (slot.row >= 0) {
      if (this.#free.length + 1 === this.#rows) this.#dispose();
      else {
        // (in a tidy: the views hold the storage until disposed)
        const row = slot.row, length = slot.length;
        if (length > 0) noGrad(() => tidy(() => { for (const t of [...this.keys, ...this.values]) fill(t.narrow(0, row, 1).narrow(2, 0, length), 0); }));
        this.#free.push(slot.row);
      }
    }
    slot.row = -1;
    slot.length = 0;
  }

  #grow(rows: number, time: number): void {
    const { numHeads: H, headDim: D, backend } = this;
    const move = (old: Tensor | undefined) => {
      const fresh = keep(zeros([rows, H, time, D], { backend }));
      if (old) {
        const [rows0, time0] = [this.#rows, this.#time];
        noGrad(() => tidy(() => { assign(fresh.narrow(0, 0, rows0).narrow(2, 0, time0), old); }));
        old.dispose();
      }
      return fresh;
    };
    this.keys = Array.from({ length: this.nLayers }, (_, l) => move(this.keys[l]));
    this.values = Array.from({ length: this.nLayers }, (_, l) => move(this.values[l]));
    for (let r = rows - 1; r >= this.#rows; r--) this.#free.push(r);
    this.#rows = rows;
    this.#time = time;
  }

  #dispose(): void {
    for (const t of [...this.keys, ...this.values]) t.dispose();
    this.keys = [];
    this.values = [];
    this.#rows = this.#time = 0;
    this.#free = [];
  }
}
