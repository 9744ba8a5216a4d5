// One generation at a time: the model's KV cache holds one sequence, and two interleaved requests
// would only slow each other down. Requests wait in order; one whose client leaves while it waits
// is dropped without running.

export class QueueFullError extends Error {}

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Jobs waiting or running. */
  get size(): number {
    return this.waiting;
  }

  constructor(private readonly maxSize = Infinity) {}

  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.waiting >= this.maxSize) return Promise.reject(new QueueFullError(`the server is busy: ${this.waiting} requests are queued; try again later`));
    this.waiting++;
    const result = this.tail.then(() => {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      return job();
    });
    const settle = () => { this.waiting--; };
    this.tail = result.then(settle, settle);
    return result;
  }
}
