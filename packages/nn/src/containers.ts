// Containers whose children are named by position ('0', '1', ...), as PyTorch's, so state-dict
// keys read `trfBlocks.0.att.wQuery.weight` and `layers.2.bias`.
import type { Tensor } from '@llm/tensor';
import { Module, type UnaryModule } from './module.js';

/** A list of modules, indexable and iterable; children are properties '0', '1', ... */
export class ModuleList<M extends Module = Module> extends Module {
  [index: number]: M;
  #length = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  get length(): number {
    return this.#length;
  }

  push(m: M): this {
    if (!(m instanceof Module)) throw new TypeError(`${this.constructor.name}.push: expected a Module, got ${typeof m}`);
    this[this.#length++] = m;
    return this;
  }

  at(i: number): M | undefined {
    return this[i < 0 ? i + this.#length : i];
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.#length; i++) yield this[i];
  }

  toArray(): M[] {
    return [...this];
  }
}

/** Modules applied one after another: forward(x) = mₙ(...m₁(x)). */
export class Sequential<M extends UnaryModule = UnaryModule> extends ModuleList<M> {
  constructor(...modules: M[]) {
    super(modules);
  }

  forward(x: Tensor): Tensor {
    for (const m of this) x = m.forward(x);
    return x;
  }
}
