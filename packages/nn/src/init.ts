// How layers fill their weights when built. 'default' is PyTorch's initialisation (the book's
// numbers depend on it); 'none' leaves zeros, for a model whose weights are loaded next.
import { defaultGenerator, type Generator, rand, randn, zeros, type Tensor } from '@llm/tensor';
import { Parameter } from './module.js';

export type InitMode = 'default' | 'none';

export interface InitOptions {
  /** Draws the initial weights (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
  /** 'default' (PyTorch's) or 'none' (zeros, to be overwritten by loaded weights). */
  init?: InitMode;
}

/** A parameter uniform in [low, high), or zeros under init 'none'. */
export function uniformParameter(shape: number[], low: number, high: number, opts: InitOptions): Tensor {
  if (opts.init === 'none') return Parameter(zeros(shape));
  return Parameter(rand(shape, { low, high, generator: opts.generator ?? defaultGenerator }));
}

/** A parameter drawn from N(0, std²), or zeros under init 'none'. */
export function normalParameter(shape: number[], std: number, opts: InitOptions): Tensor {
  if (opts.init === 'none') return Parameter(zeros(shape));
  return Parameter(randn(shape, { std, generator: opts.generator ?? defaultGenerator }));
}

export function checkInit(op: string, opts: InitOptions): void {
  if (opts.init !== undefined && opts.init !== 'default' && opts.init !== 'none') {
    throw new RangeError(`${op}: init must be 'default' or 'none', got ${JSON.stringify(opts.init)}`);
  }
}
