// One generation at a time, for a model without a batched decoder: its KV cache holds one
// sequence, and two interleaved requests would only slow each other down. Requests wait in order;
// one whose client leaves while it waits is dropped without running.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const result = this.tail.then(() => {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      return job();
    });
    const settle = () => {};
    this.tail = result.then(settle, settle);
    return result;
  }
}
