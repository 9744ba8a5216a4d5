// GELU with the tanh approximation GPT-2 was trained with:
// 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
import type { Tensor } from '@llm/tensor';
import { Module } from '../module.js';

export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return x.gelu();
  }
}
