// Text ↔ token-id tensors (the book's text_to_token_ids / token_ids_to_text), for any tokenizer
// with encode/decode, such as @llm/tokenizer's getEncoding('gpt2').
import { type Tensor, tensor } from '@llm/tensor';

export interface Tokenizer {
  encode(text: string, opts?: { allowedSpecial?: 'all' | ReadonlySet<string> | readonly string[] }): ArrayLike<number>;
  decode(ids: ArrayLike<number>): string;
}

/** GPT-2's end-of-text token. */
export const END_OF_TEXT = '<|endoftext|>';

/** text → int32 (1, T); special tokens such as <|endoftext|> in the text become their ids (as the book). */
export function textToTokenIds(text: string, tokenizer: Tokenizer): Tensor {
  const ids = Int32Array.from(tokenizer.encode(text, { allowedSpecial: 'all' }));
  return tensor(ids, { shape: [1, ids.length] });
}

/** int32 (1, T) or (T) → text. */
export async function tokenIdsToText(ids: Tensor, tokenizer: Tokenizer): Promise<string> {
  if (ids.ndim > 2 || (ids.ndim === 2 && ids.shape[0] !== 1)) {
    throw new Error(`tokenIdsToText: expected ids (1, T) or (T), got [${ids.shape.join(', ')}]; decode batch rows one at a time`);
  }
  return tokenizer.decode(Array.from(await ids.data()));
}
