// A tiny language model for loop tests that do not need the GPT architecture: token embedding →
// dropout → linear head. Dropout draws from the default generator, as the real model's does.
import { dropout, embedding, randn, type Tensor } from '@llm/tensor';

export class TinyLM {
  training = true;
  readonly emb: Tensor;
  readonly head: Tensor;
  readonly config: { vocabSize: number; embDim: number; contextLength: number };

  constructor(vocabSize = 17, embDim = 8, readonly dropRate = 0.2) {
    this.config = { vocabSize, embDim, contextLength: 8 };
    this.emb = randn([vocabSize, embDim], { std: 0.5 }).requiresGrad_();
    this.head = randn([embDim, vocabSize], { std: 0.5 }).requiresGrad_();
  }

  forward(ids: Tensor): Tensor {
    const x = dropout(embedding(this.emb, ids), this.dropRate, { training: this.training }); // (B, T, C)
    return x.matmul(this.head); // (B, T, V)
  }

  parameters(): Tensor[] { return [this.emb, this.head]; }
  stateDict(): Record<string, Tensor> { return { 'emb.weight': this.emb, 'head.weight': this.head }; }
  loadStateDict(): void { throw new Error('TinyLM: the Trainer restores weights in place'); }
  train(mode = true): this { this.training = mode; return this; }
  eval(): this { return this.train(false); }
}

/** A repetitive token stream a model can learn: 0 1 2 ... 16 0 1 2 ... */
export function cyclicTokens(n: number, vocab = 17): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 7 + Math.floor(i / 13)) % vocab);
}
