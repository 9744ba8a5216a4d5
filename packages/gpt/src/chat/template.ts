// Chat templates: the Jinja template in a model's tokenizer_config.json (or chat_template.jinja) that turns a list
// of messages into the prompt text the model was trained on, rendered with @huggingface/jinja (Hugging Face's own
// JavaScript implementation, as transformers.js uses) with the variables transformers' apply_chat_template gives:
// messages, add_generation_prompt, bos_token, eos_token, tools, raise_exception, strftime_now, plus any extras
// (enable_thinking for Qwen3, date_string for Llama 3.x). Browser-safe.
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { strftime } from './strftime.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | string;
  content: string;
  /** Other fields a template may read (tool_calls, reasoning_content, name). */
  [field: string]: unknown;
}

export interface ChatRenderOptions {
  /** End with the header of the assistant's reply, so that the model writes it (default true). */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions, for templates that render them. */
  tools?: readonly unknown[];
  /** More template variables: { enable_thinking: false } (Qwen3), { date_string: '26 Jul 2024' } (Llama 3.x). */
  variables?: Record<string, unknown>;
  /** The date strftime_now() prints (default: now). */
  now?: Date;
}

export interface ChatTemplateTokens {
  bosToken?: string;
  eosToken?: string;
}

export class ChatTemplate {
  private readonly template: Template;

  /** `where` names the template's file in errors (default 'chat_template'). */
  constructor(
    readonly source: string,
    private readonly tokens: ChatTemplateTokens = {},
    private readonly where = 'chat_template',
  ) {
    if (typeof source !== 'string' || source.trim() === '') throw new Error(`${where}: the chat template is empty or not a string`);
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new Error(`${where}: the chat template does not parse: ${(e as Error).message}`);
    }
  }

  /** The prompt text of `messages`. */
  render(messages: readonly ChatMessage[], options: ChatRenderOptions = {}): string {
    if (!Array.isArray(messages) || messages.length === 0) throw new Error(`${this.where}: messages must be a non-empty array`);
    messages.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || typeof m.role !== 'string') throw new Error(`${this.where}: messages[${i}] needs a string "role", got ${JSON.stringify(m)?.slice(0, 80)}`);
      if (typeof m.content !== 'string' && !Array.isArray(m.content) && m.content !== null) {
        throw new Error(`${this.where}: messages[${i}].content must be a string, got ${typeof m.content}`);
      }
    });
    const now = options.now ?? new Date();
    const variables: Record<string, unknown> = {
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? true,
      bos_token: this.tokens.bosToken ?? '',
      eos_token: this.tokens.eosToken ?? '',
      raise_exception: (message: string) => {
        throw new Error(`${this.where}: the chat template refused the messages: ${message}`);
      },
      strftime_now: (format: string) => strftime(now, format),
      ...(options.tools ? { tools: options.tools } : {}),
      ...options.variables,
    };
    try {
      return new Interpreter(environment(variables)).run(this.template.parsed).value as string;
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(message.startsWith(this.where) ? message : `${this.where}: rendering the chat template failed: ${message}`);
    }
  }
}

/** Python's range() for templates. */
function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('range() step must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** The globals @huggingface/jinja's Template.render declares (true/false/none in both spellings, range), with our
 *  raise_exception and strftime_now in place of its own (whose month names follow the machine's locale, where
 *  transformers prints English ones), then the variables. Template.render cannot take those two: it refuses to
 *  redeclare a global. */
function environment(variables: Record<string, unknown>): Environment {
  const env = new Environment();
  const globals: Record<string, unknown> = { false: false, true: true, none: null, False: false, True: true, None: null, range };
  for (const [name, value] of Object.entries({ ...globals, ...variables })) env.set(name, value);
  return env;
}
