// What the views share: the model (replaced by "new model", a loaded checkpoint or kept while
// training), the backend in use, and one lock, so generation and training never run at once
// (both drive the same weights, and generation its KV cache).
import type { GPTModel } from '@llm/gpt';
import type { BackendInfo } from './lib/backend.js';

type Listener = (model: GPTModel) => void;

export class AppState {
  #model: GPTModel;
  #listeners: Listener[] = [];
  #busy: string | null = null;

  constructor(readonly backend: BackendInfo, model: GPTModel, public modelSource: string) {
    this.#model = model;
  }

  get model(): GPTModel {
    return this.#model;
  }

  /** Replaces the model (the old one is freed) and tells every view. */
  setModel(model: GPTModel, source: string): void {
    if (this.#busy) throw new Error(`cannot replace the model while ${this.#busy}`);
    const old = this.#model;
    this.#model = model;
    this.modelSource = source;
    if (old !== model) old.dispose();
    for (const l of this.#listeners) l(model);
  }

  /** Called with the new model after every setModel and after training steps change the weights. */
  onModelChange(listener: Listener): void {
    this.#listeners.push(listener);
  }

  notifyWeightsChanged(): void {
    for (const l of this.#listeners) l(this.#model);
  }

  get busy(): string | null {
    return this.#busy;
  }

  /** Runs task under the lock; rejects at once when something else holds it. */
  async exclusive<T>(what: string, task: () => Promise<T>): Promise<T> {
    if (this.#busy) throw new Error(`busy: ${this.#busy}; wait for it or stop it first`);
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
