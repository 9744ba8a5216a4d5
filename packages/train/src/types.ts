// What training needs from a model and a tokenizer. @llm/gpt's GPTModel and @llm/tokenizer's
// encodings fit these; so does anything else with the same shape.
import type { Tensor } from '@llm/tensor';

export interface LanguageModel {
  /** ids (B, T) int32 → logits (B, T, vocab). */
  forward(ids: Tensor): Tensor;
  parameters(): Tensor[];
  train(mode?: boolean): unknown;
  eval(): unknown;
}

export interface TextTokenizer {
  encode(text: string, opts?: { allowedSpecial?: 'all' | ReadonlySet<string> | readonly string[] }): ArrayLike<number>;
  decode(ids: ArrayLike<number>): string;
}
