// A DataLoader over a dataset of (input, target) token sequences: batches of int32 tensors
// (B, T), shuffled per epoch by a seeded permutation. The order of epoch e is a pure function of
// (seed, e), so a resumed run sees exactly the batches an uninterrupted one would.
import { type Backend, fromTypedArray, Generator, type Tensor } from '@llm/tensor';
import type { Sample } from './dataset.js';

/** Anything with numbered samples of equal length (a GPTDataset, or your own). */
export interface SequenceDataset {
  readonly length: number;
  get(i: number): Sample;
}

export interface DataLoaderOptions {
  batchSize?: number;
  /** A new permutation of the samples every epoch (default false). */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Seed of the per-epoch permutations (default 0). */
  seed?: number;
  /** Backend of the yielded tensors (default: the current default backend). */
  backend?: string | Backend;
}

/**
 * inputs (B, T) and targets (B, T), both int32. A DataLoader's batch is the loader's: it lives until
 * the loop asks for the next one or leaves the loop, and is freed then (clone() what must outlive it).
 */
export type Batch = [inputs: Tensor, targets: Tensor];

export interface DataLoaderState {
  epoch: number;
  seed: number;
}

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly backend?: string | Backend;
  seed: number;
  /** The epoch the next `for...of` iterates; each `for...of` moves it on by one, as PyTorch reshuffles per iteration. */
  epoch = 0;

  constructor(readonly dataset: SequenceDataset, opts: DataLoaderOptions = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, seed = 0 } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isFinite(seed)) throw new TypeError(`DataLoader: seed must be a finite number, got ${seed}`);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.backend = opts.backend;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample indices of one epoch, in the order they are batched. */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (!this.shuffle) return idx;
    const g = new Generator(epochSeed(this.seed, epoch));
    for (let i = n - 1; i > 0; i--) {
      const j = g.randint(0, i + 1);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /** Batches of one epoch from `startBatch` on, without moving `epoch` (evaluation and resuming use this). */
  *iterate(opts: { epoch?: number; startBatch?: number } = {}): IterableIterator<Batch> {
    const { epoch = this.epoch, startBatch = 0 } = opts;
    const order = this.order(epoch);
    for (let b = startBatch; b < this.length; b++) yield* this.lend(this.makeBatch(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length))));
  }

  /**
   * Yields one batch and frees it when the consumer moves on: on the next next(), or on return()
   * when a for...of leaves early (break, throw). So no training loop disposes batches by hand.
   */
  protected *lend(batch: Batch): IterableIterator<Batch> {
    try {
      yield batch;
    } finally {
      batch[0].dispose();
      batch[1].dispose();
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.iterate({ epoch: this.epoch++ });
  }

  private makeBatch(indices: Int32Array): Batch {
    const first = this.dataset.get(indices[0]);
    const T = first.input.length;
    const inputs = new Int32Array(indices.length * T);
    const targets = new Int32Array(indices.length * T);
    for (let r = 0; r < indices.length; r++) {
      const s = r === 0 ? first : this.dataset.get(indices[r]);
      if (s.input.length !== T || s.target.length !== T) {
        throw new Error(`DataLoader: sample ${indices[r]} has length ${s.input.length}/${s.target.length} (input/target), expected ${T} like the batch's first sample; use a collate that pads`);
      }
      inputs.set(s.input, r * T);
      targets.set(s.target, r * T);
    }
    const opts = { dtype: 'int32' as const, backend: this.backend };
    return [fromTypedArray(inputs, [indices.length, T], opts), fromTypedArray(targets, [indices.length, T], opts)];
  }

  stateDict(): DataLoaderState {
    return { epoch: this.epoch, seed: this.seed };
  }

  loadStateDict(state: DataLoaderState): void {
    this.epoch = state.epoch;
    this.seed = state.seed;
  }
}

/** A 32-bit seed for (seed, epoch), so every epoch's permutation is independent of how many came before. */
function epochSeed(seed: number, epoch: number): number {
  let h = (Math.floor(seed) ^ Math.floor(seed / 0x100000000)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = (h + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
