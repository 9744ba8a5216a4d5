// Module: a tree of named parameters and submodules, as torch.nn.Module. The tree is read from
// the object's own properties when asked (not registered up front), so replacing a submodule by
// assignment (`model.outHead = new Linear(768, 2)`) or tying a weight
// (`model.outHead.weight = model.tokEmb.weight`) just works. A property is a parameter when its
// tensor was made by Parameter(); any other tensor property is a buffer (not saved, not trained).
import { assign, graphScope, keep, noGrad, type Tensor } from '@llm/tensor';

const parameters = new WeakSet<Tensor>();

/** Marks t as a trainable parameter (requiresGrad, kept out of tidy scopes), as torch.nn.Parameter. */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  if (t.dtype !== 'float32') throw new TypeError(`Parameter: parameters must be float32, got ${t.dtype} ${shapeText(t)}`);
  keep(t);
  parameters.add(t);
  t.requiresGrad_(requiresGrad);
  return t;
}

export function isParameter(x: unknown): x is Tensor {
  return isTensor(x) && parameters.has(x);
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { isTensor?: unknown }).isTensor === true;
}

function shapeText(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Fail on missing, unexpected or mis-shaped keys (default true); false loads what fits and reports the rest. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export class Module {
  /** Training mode switches dropout on; eval() switches it off. */
  training = true;

  constructor() {
    // Every forward runs in a graphScope, so a layer leaves behind only what it returns, in or
    // outside tidy: its intermediate activations are freed at once without a graph, else by
    // backward() (or with the output). Wrapped per instance, so a subclass's own forward (from the
    // prototype) is the one wrapped; non-enumerable, so it is not taken for a child or parameter.
    const forward = (this as { forward?: unknown }).forward;
    if (typeof forward === 'function') {
      Object.defineProperty(this, 'forward', {
        value: (...args: unknown[]) => graphScope(() => forward.apply(this, args)),
        writable: true, configurable: true, enumerable: false,
      });
    }
  }

  /** Direct submodules, in property order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, value] of Object.entries(this)) if (value instanceof Module) out.push([name, value]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every module below it, each once, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (name: string, m: Module) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.namedChildren()) visit(name ? `${name}.${child}` : child, sub);
    };
    visit(prefix, this);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its submodules'), in property order. */
  ownParameters(): [string, Tensor][] {
    return Object.entries(this).filter((e): e is [string, Tensor] => isParameter(e[1]));
  }

  /** Every parameter with its dotted name; a tensor shared by two modules (a tied weight) appears once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters that currently require gradients (what an optimizer should update). */
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  /** Number of parameter values (each shared tensor once); trainableOnly skips frozen ones. */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    const ps = opts.trainableOnly ? this.trainableParameters() : this.parameters();
    return ps.reduce((n, p) => n + p.size, 0);
  }

  /**
   * Every parameter under its dotted name, the tensors themselves (no copies). As in PyTorch, a
   * tied weight appears under each name that holds it.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) out[prefix ? `${prefix}.${name}` : name] = p;
    }
    return out;
  }

  /**
   * Copies values into this module's parameters, in place (optimizers keep their references).
   * Strict mode (the default) checks every key first and throws one error naming all missing,
   * unexpected and mis-shaped keys, before changing anything.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const source = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !(k in own));
    const problems: string[] = [];
    for (const [key, value] of source) {
      const target = own[key];
      if (!target) continue;
      if (!isTensor(value)) problems.push(`key "${key}": expected a Tensor, got ${typeof value}`);
      else if (value.shape.length !== target.shape.length || value.shape.some((d, i) => d !== target.shape[i])) {
        problems.push(`key "${key}": shape ${shapeText(value)} in the state dict, ${shapeText(target)} in the model`);
      } else if (value.dtype !== target.dtype) problems.push(`key "${key}": dtype ${value.dtype} in the state dict, ${target.dtype} in the model`);
    }
    if (strict) {
      for (const k of missingKeys) problems.push(`missing key "${k}" (shape ${shapeText(own[k])})`);
      for (const k of unexpectedKeys) problems.push(`unexpected key "${k}"`);
    }
    if (problems.length) {
      const shown = problems.slice(0, 20).join('; ');
      throw new Error(`loadStateDict (${this.constructor.name}): ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${shown}${problems.length > 20 ? '; ...' : ''}`);
    }
    noGrad(() => {
      for (const [key, value] of source) {
        const target = own[key];
        if (target && target !== value) assign(target, value);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and all below it. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Sets requiresGrad on every parameter below (false freezes the subtree). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  freeze(): this {
    return this.requiresGrad_(false);
  }

  unfreeze(): this {
    return this.requiresGrad_(true);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Calls fn on every module, children first (as torch.nn.Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /**
   * Frees every parameter, buffer (any other tensor property) and cache below: each submodule's own
   * dispose() runs (attention layers let go of their KV cache and causal mask there), then this
   * module's tensors go. The module cannot be used afterwards.
   */
  dispose(): void {
    for (const m of this.children()) m.dispose();
    for (const value of Object.values(this)) if (isTensor(value)) value.dispose();
  }
}

/** A module with a one-tensor forward, what Sequential chains. */
export interface UnaryModule extends Module {
  forward(x: Tensor): Tensor;
}
