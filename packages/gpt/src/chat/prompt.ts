// The one call `llm chat` and the server make: a model's messages to prompt ids, with its chat template when it
// has one. Models without a template (GPT-2, the book's instruction-tuned GPT) get the caller's fallback.
import { type ChatMessage, type ChatRenderOptions, ChatTemplate } from './template.js';

/** What chatPrompt needs of a tokenizer: @llm/tokenizer's Encoding. */
export interface ChatEncoder {
  encode(text: string, options?: { allowedSpecial?: 'all' | readonly string[] }): number[];
}

/** What chatPrompt needs of a model folder's tokenizer: @llm/tokenizer/node's loadTokenizerFolder() result. */
export interface ChatTokenizer {
  encoding: ChatEncoder;
  chatTemplate?: string;
  bosToken?: string;
  eosToken?: string;
  /** The file the template came from, for errors. */
  file?: string;
}

export interface ChatPrompt {
  /** The rendered prompt. */
  text: string;
  /** Its token ids (special tokens in the template's text are matched, as Hugging Face does). */
  ids: number[];
}

/** The template of a tokenizer, or undefined when it has none. */
export function chatTemplateOf(tokenizer: ChatTokenizer): ChatTemplate | undefined {
  if (tokenizer.chatTemplate === undefined) return undefined;
  const where = tokenizer.file ? `${tokenizer.file.replace(/tokenizer\.(json|model)$/, 'tokenizer_config.json')} chat_template` : 'chat_template';
  return new ChatTemplate(tokenizer.chatTemplate, { bosToken: tokenizer.bosToken, eosToken: tokenizer.eosToken }, where);
}

/** The prompt of `messages` for this tokenizer's model, or undefined when it has no chat template. */
export function chatPrompt(tokenizer: ChatTokenizer, messages: readonly ChatMessage[], options: ChatRenderOptions = {}): ChatPrompt | undefined {
  const template = chatTemplateOf(tokenizer);
  if (!template) return undefined;
  const text = template.render(messages, options);
  return { text, ids: tokenizer.encoding.encode(text, { allowedSpecial: 'all' }) };
}
