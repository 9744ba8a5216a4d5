// A lookup table of learned vectors, as torch.nn.Embedding (default init N(0, 1)).
import { embedding, type Tensor } from '@llm/tensor';
import { checkInit, type InitOptions, normalParameter } from '../init.js';
import { Module } from '../module.js';
import { checkPositive } from '../check.js';

export class Embedding extends Module {
  weight: Tensor; // (numEmbeddings, embeddingDim)

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: InitOptions = {},
  ) {
    super();
    checkPositive('Embedding', { numEmbeddings, embeddingDim });
    checkInit('Embedding', opts);
    this.weight = normalParameter([numEmbeddings, embeddingDim], 1, opts);
  }

  /** int32 ids (...) → (..., embeddingDim). */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new TypeError(`Embedding: ids must be int32, got ${ids.dtype} [${ids.shape.join(', ')}]`);
    return embedding(this.weight, ids);
  }
}
