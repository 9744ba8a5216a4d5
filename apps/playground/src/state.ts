// What the views share: the worker (which holds the model), what the worker said about its
// backend, a summary of the current model (null until one is trained or loaded), and one lock,
// so the page asks for one slow thing at a time (the worker refuses a second one anyway).
import type { WorkerClient } from './lib/workerClient.js';
import type { ModelSummary, Replies } from './worker/protocol.js';

type Listener = (model: ModelSummary) => void;

export class AppState {
  #model: ModelSummary | null = null;
  #listeners: Listener[] = [];
  #busy: string | null = null;

  constructor(readonly worker: WorkerClient, readonly backend: Replies['init']) {}

  get model(): ModelSummary | null {
    return this.#model;
  }

  /** Records the worker's new model (or its weights changed by training) and tells every view. */
  setModel(model: ModelSummary): void {
    this.#model = model;
    for (const l of this.#listeners) l(model);
  }

  onModelChange(listener: Listener): void {
    this.#listeners.push(listener);
  }

  get busy(): string | null {
    return this.#busy;
  }

  /** Runs task under the lock; rejects at once when something else holds it. */
  async exclusive<T>(what: string, task: () => Promise<T>): Promise<T> {
    if (this.#busy) throw new Error(`busy ${this.#busy}; wait for it or stop it first`);
    this.#busy = what;
    document.body.dataset.busy = what;
    try {
      return await task();
    } finally {
      this.#busy = null;
      delete document.body.dataset.busy;
    }
  }
}
