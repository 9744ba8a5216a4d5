// The optimizer base: parameter groups with their own hyperparameters, per-parameter state
// tensors kept out of every tidy scope, and a state dict shaped like PyTorch's (state by
// parameter index, groups listing indices) so a checkpoint can restore it onto fresh parameters.
import { keep, type Tensor } from '@llm/tensor';

/** Hyperparameters of a group: numbers, flags and tuples such as betas. */
export type Hyper = Record<string, unknown>;

/** A group of parameters with hyperparameters that override the optimizer's defaults. */
export type ParamGroupSpec<H extends Hyper> = { params: Tensor[] } & Partial<H>;
export type ParamGroup<H extends Hyper> = { params: Tensor[] } & H;

/** Per-parameter state: counters and tensors (moment estimates, momentum buffers). */
export type ParamState = Record<string, number | Tensor>;

export interface OptimizerStateDict {
  /** By parameter index, counting through the groups in order. */
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export abstract class Optimizer<H extends Hyper = Hyper> {
  readonly paramGroups: ParamGroup<H>[];
  readonly defaults: H;
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(params: Iterable<Tensor> | ParamGroupSpec<H>[], defaults: H) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<H>>)];
    const specs: ParamGroupSpec<H>[] = list.length > 0 && isGroup(list[0]) ? (list as ParamGroupSpec<H>[]) : [{ params: list as Tensor[] } as ParamGroupSpec<H>];
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, gi) => {
      if (!isGroup(spec)) throw new TypeError(`${this.constructor.name}: group ${gi} is not { params: Tensor[] } (do not mix tensors and groups)`);
      for (const p of spec.params) {
        if (seen.has(p)) throw new Error(`${this.constructor.name}: a parameter ${p.name ?? `[${p.shape.join(', ')}]`} appears in more than one group`);
        if (p.dtype !== 'float32') throw new TypeError(`${this.constructor.name}: parameters must be float32, got ${p.dtype}${p.name ? ` for ${p.name}` : ''}`);
        seen.add(p);
      }
      return { ...defaults, ...spec, params: [...spec.params] } as ParamGroup<H>;
    });
    if (seen.size === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
  }

  /** Every parameter, in group order (the indices of the state dict). */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** One update of every parameter that has a gradient. */
  abstract step(): void;

  /** Frees every parameter's gradient (PyTorch's zero_grad with set_to_none). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** The learning rate of every group (as optimizer.param_groups[i]["lr"] = lr). */
  setLr(lr: number): void {
    for (const g of this.paramGroups) (g as Hyper).lr = lr;
  }

  get lr(): number {
    return this.paramGroups[0].lr as number;
  }

  /** State and hyperparameters; the tensors are the live state (copy them if you keep them past the next step). */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.params.map((p, i) => [p, i]));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...s };
    let next = 0;
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => ({ ...hyper, params: params.map(() => next++) }));
    return { state, paramGroups };
  }

  /** Restores state onto this optimizer's parameters (same groups, same sizes); tensors are copied. */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.paramGroups.length !== this.paramGroups.length) throw new Error(`${name}.loadStateDict: the state has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) throw new Error(`${name}.loadStateDict: group ${i} has ${g.params.length} parameters in the state, ${this.paramGroups[i].params.length} here`);
    });
    const params = this.params;
    for (const s of this.state.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (!p) throw new Error(`${name}.loadStateDict: state for parameter ${key}, but there are ${params.length}`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') copy[k] = v;
        else {
          if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) {
            throw new Error(`${name}.loadStateDict: state '${k}' of parameter ${key} has shape [${v.shape.join(', ')}], the parameter [${p.shape.join(', ')}]`);
          }
          copy[k] = keep(v.clone());
        }
      }
      this.state.set(p, copy);
    }
    this.paramGroups.forEach((g, i) => {
      const { params: _ignored, ...hyper } = sd.paramGroups[i];
      Object.assign(g, hyper);
    });
  }

  /** Frees the state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
  }
}

function isGroup(x: unknown): x is { params: Tensor[] } {
  return typeof x === 'object' && x !== null && Array.isArray((x as { params?: unknown }).params);
}
