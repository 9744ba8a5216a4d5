// Continuous batching: requests that arrive while others are being decoded join the next step,
// and each leaves as soon as it is done, so one forward pass per step serves every sequence under
// way. Each sequence has its own KV-cache slot, sampling settings, generator, token budget and
// end token; cancelling one (its consumer stops reading, or its signal fires) frees its slot
// before the next step. Sequences are decoded exactly as `generate` decodes one prompt alone:
// the same window rule, the same draws for the same seed. A long prompt is fed prefillChunk
// tokens a step, so that it does not stall the sequences already decoding.
import { defaultGenerator, Generator } from '@llm/tensor';
import type { BatchedDecoder, DecodeSlot } from './batched.js';
import { checkSampling, type SamplingOptions, sampleToken } from './sampling.js';

export interface BatchedGenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Stop when this token is drawn (it is not yielded). */
  eosId?: number;
  /** More end tokens, as eosId. */
  stopIds?: readonly number[];
  /** Seeds a fresh Generator for this request's draws. */
  seed?: number;
  /** Draw from this generator (default: a fresh one from seed, else the global one). */
  generator?: Generator;
  /** Ends the request (the stream then just ends) and frees its slot before the next step. */
  signal?: AbortSignal;
}

export interface ContinuousBatcherOptions {
  /** Sequences decoded together at most (default 16); more wait, in order, for a slot. */
  maxBatch?: number;
  /** Called after every step with the number of sequences it decoded. */
  onStep?: (batchSize: number) => void;
  /** Prompt tokens one sequence may feed in one step (default 512): longer prompts are run over several steps. */
  prefillChunk?: number;
}

// Browsers have no setImmediate; a step must still let other work (HTTP, consumers) run
const nextTurn = typeof setImmediate === 'function' ? () => new Promise<void>((r) => setImmediate(r)) : () => new Promise<void>((r) => setTimeout(r, 0));

class Sequence {
  readonly history: number[];
  readonly generator: Generator;
  produced = 0;
  slot?: DecodeSlot;
  /** Drawn but not yet read by the consumer. */
  readonly ready: number[] = [];
  done = false;
  cancelled = false;
  error: unknown = undefined;
  #wake?: () => void;

  constructor(prompt: readonly number[], readonly opts: BatchedGenerateOptions) {
    this.history = [...prompt];
    this.generator = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
  }

  /**
   * The tokens to feed next: the new one after the cached ones; or, on the first step and each
   * time the window slides past the context, the window again from its start, at most `chunk`
   * tokens a step (a long prompt then takes several steps, and the others keep decoding meanwhile).
   * `last`: the fed tokens end the sequence, so a token is drawn from their logits.
   */
  nextInput(contextLength: number, chunk: number): { ids: number[]; last: boolean } {
    const slot = this.slot!;
    const len = this.history.length;
    if (slot.length === 0 || len - this.#base > contextLength) {
      slot.reset();
      this.#base = Math.max(0, len - contextLength);
    }
    const from = this.#base + slot.length;
    const ids = this.history.slice(from, Math.min(len, from + chunk));
    return { ids, last: from + ids.length === len };
  }

  /** Where the slot's first cached token is in the history. */
  #base = 0;

  push(id: number): void {
    this.history.push(id);
    this.produced++;
    this.ready.push(id);
    this.notify();
  }

  end(error?: unknown): void {
    this.done = true;
    this.error = error;
    this.notify();
  }

  notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  waitForNews(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }
}

export class ContinuousBatcher {
  readonly maxBatch: number;
  readonly prefillChunk: number;
  #active: Sequence[] = [];
  #waiting: Sequence[] = [];
  #freeSlots: DecodeSlot[] = [];
  #running = false;

  constructor(readonly decoder: BatchedDecoder, private readonly opts: ContinuousBatcherOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 16;
    this.prefillChunk = opts.prefillChunk ?? 512;
    if (!(Number.isSafeInteger(this.maxBatch) && this.maxBatch >= 1)) throw new RangeError(`ContinuousBatcher: maxBatch must be a positive integer, got ${opts.maxBatch}`);
    if (!(Number.isSafeInteger(this.prefillChunk) && this.prefillChunk >= 1)) throw new RangeError(`ContinuousBatcher: prefillChunk must be a positive integer, got ${opts.prefillChunk}`);
  }

  /** Requests being decoded. */
  get active(): number {
    return this.#active.filter((s) => !s.done && !s.cancelled).length;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * The continuation of one prompt, token by token. Stopping the iteration early (break, return)
   * cancels the request. Bad options throw here, before anything is queued.
   */
  generate(prompt: readonly number[], opts: BatchedGenerateOptions): AsyncGenerator<number> {
    checkSampling(opts);
    if (!(Number.isSafeInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0)) throw new RangeError(`ContinuousBatcher: maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`);
    if (prompt.length === 0) throw new Error('ContinuousBatcher: the prompt must hold at least one token');
    const { vocabSize } = this.decoder;
    const bad = prompt.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (bad !== undefined) throw new RangeError(`ContinuousBatcher: the prompt holds token id ${bad}, outside 0..${vocabSize - 1}`);
    return this.#stream(new Sequence(prompt, opts));
  }

  async *#stream(seq: Sequence): AsyncGenerator<number> {
    const onAbort = () => {
      seq.cancelled = true;
      seq.end();
    };
    if (seq.opts.signal?.aborted) return;
    seq.opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (seq.opts.maxNewTokens === 0) seq.end();
    else {
      this.#waiting.push(seq);
      this.#start();
    }
    try {
      for (;;) {
        if (seq.ready.length) yield seq.ready.shift()!;
        else if (seq.error !== undefined) throw seq.error;
        else if (seq.done) return;
        else await seq.waitForNews();
      }
    } finally {
      seq.cancelled = true; // the next step drops it, if it is still under way
      seq.opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop().finally(() => (this.#running = false));
  }

  async #loop(): Promise<void> {
    // wait a turn so that requests arriving together start together
    await nextTurn();
    for (;;) {
      this.#admit();
      if (this.#active.length === 0) return;
      const batch = this.#active;
      let logits: Float32Array;
      let inputs: { ids: number[]; last: boolean }[];
      try {
        inputs = batch.map((s) => s.nextInput(this.decoder.contextLength, this.prefillChunk));
        const out = this.decoder.step(batch.map((s, r) => ({ slot: s.slot!, ids: inputs[r].ids })));
        try {
          logits = (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      } catch (e) {
        for (const s of batch) s.end(e);
        this.#release(() => true);
        continue;
      }
      const vocab = this.decoder.vocabSize;
      batch.forEach((s, r) => {
        if (s.cancelled || s.done || !inputs[r].last) return; // a prompt still being fed draws nothing yet
        const id = sampleToken(logits.subarray(r * vocab, (r + 1) * vocab), s.opts, s.generator);
        if (id === s.opts.eosId || s.opts.stopIds?.includes(id)) return s.end();
        s.push(id);
        if (s.produced >= s.opts.maxNewTokens) s.end();
      });
      this.opts.onStep?.(batch.length);
      await nextTurn();
    }
  }

  /** Drops finished and cancelled sequences, then fills free places from the waiting line. */
  #admit(): void {
    this.#release((s) => s.done || s.cancelled);
    while (this.#active.length < this.maxBatch && this.#waiting.length) {
      const s = this.#waiting.shift()!;
      if (s.cancelled || s.done) continue;
      s.slot = this.#freeSlots.pop() ?? this.decoder.newSlot();
      this.#active.push(s);
    }
  }

  #release(which: (s: Sequence) => boolean): void {
    this.#active = this.#active.filter((s) => {
      if (!which(s)) return true;
      s.slot!.reset();
      this.#freeSlots.push(s.slot!);
      s.slot = undefined;
      return false;
    });
  }
}
