// Section 7.7: the fine-tuned model answers each test prompt, the answer is what follows
// "### Response:", and the answers are saved beside the reference outputs.
import { generate, type GenerativeModel } from '@llm/gpt';
import { encodeOrdinary, type FinetuneTokenizer, PAD_TOKEN_ID } from '../common/tokenizer.js';
import { formatInput, type InstructionEntry } from './format.js';

export type EntryWithResponse = InstructionEntry & { model_response: string };

/**
 * The response in a generated continuation of formatInput(entry): every "### Response:" removed
 * and surrounding whitespace trimmed, as the book's
 * generated_text[len(input_text):].replace("### Response:", "").strip().
 */
export function extractResponse(generatedText: string, inputText = ''): string {
  const continuation = inputText && generatedText.startsWith(inputText) ? generatedText.slice(inputText.length) : generatedText;
  return continuation.replaceAll('### Response:', '').trim();
}

export interface GenerateResponsesOptions {
  /** New tokens at most per answer (default 256, as the book). */
  maxNewTokens?: number;
  /** Stop token (default <|endoftext|>, 50256). */
  eosId?: number;
  /** More end tokens (a Llama / Qwen3 model's end of turn). */
  stopIds?: readonly number[];
  /** Greedy by default (temperature 0). */
  temperature?: number;
  topK?: number;
  seed?: number;
  /** Called after each answer (progress). */
  onResponse?: (index: number, total: number, entry: EntryWithResponse) => void;
}

/** Answers every entry's prompt, one at a time, and returns the entries with model_response added. */
export async function generateResponses(
  model: GenerativeModel & { eval?(): unknown; train?(mode?: boolean): unknown; training?: boolean },
  tokenizer: FinetuneTokenizer,
  entries: readonly InstructionEntry[],
  opts: GenerateResponsesOptions = {},
): Promise<EntryWithResponse[]> {
  const out: EntryWithResponse[] = [];
  const wasTraining = model.training ?? false;
  model.eval?.();
  try {
    for (const [i, entry] of entries.entries()) {
      const prompt = encodeOrdinary(tokenizer, formatInput(entry));
      const ids = await generate(model, prompt, {
        maxNewTokens: opts.maxNewTokens ?? 256, eosId: opts.eosId ?? PAD_TOKEN_ID, stopIds: opts.stopIds,
        temperature: opts.temperature, topK: opts.topK, seed: opts.seed,
      });
      const all = Array.from(await ids.data());
      ids.dispose();
      // decoding only the new tokens equals slicing the decoded text at len(input_text): GPT-2's BPE round-trips
      const withResponse = { ...entry, model_response: extractResponse(tokenizer.decode(all.slice(prompt.length))) };
      out.push(withResponse);
      opts.onResponse?.(i, entries.length, withResponse);
    }
  } finally {
    if (wasTraining) model.train?.(true);
  }
  return out;
}

