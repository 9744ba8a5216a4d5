// The book's generate_and_print_sample: a continuation of a start context with the model in eval
// mode, newlines flattened so it fits on one log line. Greedy by default, as the book; with a
// temperature it samples (top-k optional) from a generator of its own, seeded, so printing
// samples never moves the global generator that dropout draws from.
import { generate, generateTextSimple, textToTokenIds, tokenIdsToText } from '@llm/gpt';
import { noGrad } from '@llm/tensor';
import type { LanguageModel, TextTokenizer } from './types.js';

export interface SampleOptions {
  maxNewTokens?: number;
  /** Tokens the model sees at most (default: the model's config.contextLength). */
  contextSize?: number;
  /** 0 or undefined: greedy; above 0: sample with this temperature. */
  temperature?: number;
  topK?: number;
  /** Seed of the sampling generator (default 123). */
  seed?: number;
}

export async function generateSample(model: LanguageModel, tokenizer: TextTokenizer, startContext: string, opts: SampleOptions = {}): Promise<string> {
  const contextSize = opts.contextSize ?? (model as { config?: { contextLength?: number } }).config?.contextLength;
  if (!contextSize) throw new Error('generateSample: pass contextSize (the model has no config.contextLength)');
  const maxNewTokens = opts.maxNewTokens ?? 50;
  model.eval();
  const ids = textToTokenIds(startContext, tokenizer);
  try {
    const out = opts.temperature
      ? await generate(model, ids, { maxNewTokens, contextSize, temperature: opts.temperature, topK: opts.topK, seed: opts.seed ?? 123 })
      : noGrad(() => generateTextSimple(model, ids, maxNewTokens, contextSize));
    const text = await tokenIdsToText(out, tokenizer);
    out.dispose();
    return text.replace(/\n/g, ' ');
  } finally {
    ids.dispose();
    model.train();
  }
}
