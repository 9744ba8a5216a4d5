// The page's side of the training worker: typed requests that resolve with the worker's reply,
// control messages, and a stream of progress events. The worker is a module worker that Vite
// bundles (new URL(…, import.meta.url)); everything slow runs there, so the page never blocks.
import type { Control, FromWorker, Replies, Request, WorkerEvent } from '../worker/protocol.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class WorkerClient {
  readonly #worker: Worker;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(e: WorkerEvent) => void>();

  constructor() {
    this.#worker = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module', name: 'playground training' });
    this.#worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if ('event' in m) {
        for (const l of this.#listeners) l(m);
        return;
      }
      const pending = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.ok) pending?.resolve(m.value);
      else pending?.reject(new Error(m.error));
    };
    this.#worker.onerror = (e) => {
      const error = new Error(`the training worker failed: ${e.message || 'it could not start (is the page served over http(s)?)'}`);
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
  }

  request<R extends Request>(request: R, transfer: Transferable[] = []): Promise<Replies[R['type']]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, ...request }, transfer);
    });
  }

  control(message: Control): void {
    this.#worker.postMessage(message);
  }

  /** Calls listener with every progress event; returns the function that stops it. */
  on(listener: (e: WorkerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
