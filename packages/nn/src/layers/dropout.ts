// Inverted dropout: in training mode zeroes each value with probability p and scales the rest by
// 1/(1-p); in eval mode passes x through.
import { dropout, type Generator, type Tensor } from '@llm/tensor';
import { Module } from '../module.js';

export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    /** Draws the masks (default: the global generator). */
    readonly generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }
}
