// The tokenizer interface fine-tuning needs (GPT-2's encoding from @llm/tokenizer fits), and
// encoding of user text in which "<|endoftext|>" is ordinary text, never a control token.
export interface FinetuneTokenizer {
  encode(text: string, opts?: { allowedSpecial?: 'all' | ReadonlySet<string> | readonly string[]; disallowedSpecial?: 'all' | ReadonlySet<string> | readonly string[] }): ArrayLike<number>;
  decode(ids: ArrayLike<number>): string;
}

/** GPT-2's <|endoftext|> id, the book's padding token. */
export const PAD_TOKEN_ID = 50256;

/**
 * The id of <|endoftext|> in this tokenizer (50256 in GPT-2's; another id in a vocabulary trained
 * here), used to pad, to end answers and to stop generation.
 */
export function endOfTextId(tokenizer: FinetuneTokenizer): number {
  const eot = (tokenizer as { eotToken?: unknown }).eotToken;
  if (typeof eot === 'number') return eot;
  let ids: ArrayLike<number> = [];
  try {
    ids = tokenizer.encode('<|endoftext|>', { allowedSpecial: 'all' });
  } catch {
    // no such special token: reported below
  }
  if (ids.length !== 1) throw new Error('the tokenizer has no <|endoftext|> token to pad with; pass padTokenId');
  return ids[0];
}

/** The vocabulary size a tokenizer needs (nVocab when it tells), checked against the model's. */
export function checkVocabulary(tokenizer: FinetuneTokenizer, vocabSize: number, op: string): void {
  const n = (tokenizer as { nVocab?: unknown }).nVocab;
  if (typeof n === 'number' && n > vocabSize) {
    throw new Error(`${op}: the tokenizer has ${n} tokens but the model's vocabulary only ${vocabSize}; use the tokenizer the model was trained with (a tokenizer.json beside its weights is picked up automatically)`);
  }
}

export function encodeOrdinary(tokenizer: FinetuneTokenizer, text: string): number[] {
  return Array.from(tokenizer.encode(text, { disallowedSpecial: [] }));
}

/**
 * The first maxTokens ids of text, encoding only a prefix long enough to be sure of them (a long
 * mail need not be tokenized whole). The prefix grows until it yields more tokens than needed,
 * so a pre-token cut at the prefix's end never reaches the ids returned.
 */
export function encodeTruncated(tokenizer: FinetuneTokenizer, text: string, maxTokens: number): number[] {
  if (!Number.isFinite(maxTokens)) return encodeOrdinary(tokenizer, text);
  for (let chars = Math.max(64, maxTokens * 8); ; chars *= 2) {
    if (chars >= text.length) return encodeOrdinary(tokenizer, text).slice(0, maxTokens);
    const ids = encodeOrdinary(tokenizer, text.slice(0, chars));
    if (ids.length > maxTokens + 1) return ids.slice(0, maxTokens);
  }
}
