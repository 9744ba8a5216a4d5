// The model behind the server: prompts are checked against the context, then generations run one
// at a time from a queue, each stopping early when its client goes away.
import type { GPTModel } from '@llm/gpt';
import type { Encoding } from '@llm/tokenizer';
import { encodePrompt, type GenerationRequest, type GenerationResult, runGeneration } from '../generation.js';
import { HttpError } from './http.js';
import { QueueFullError, SerialQueue } from './queue.js';

export interface GenerationEvent extends GenerationResult {
  endpoint: string;
}

export interface EngineOptions {
  /** Most new tokens a request may ask for (default: the model's context length). */
  maxTokens?: number;
  /** Requests waiting or running at most; more get 503 (default 64). */
  maxQueue?: number;
  /** Called after each generated token (tests count them). */
  onToken?: () => void;
  /** Called when a generation ends, however it ends. */
  onGeneration?: (e: GenerationEvent) => void;
}

export class Engine {
  readonly maxTokens: number;
  private readonly queue: SerialQueue;

  constructor(
    readonly model: GPTModel,
    readonly tokenizer: Encoding,
    private readonly opts: EngineOptions = {},
  ) {
    this.maxTokens = opts.maxTokens ?? model.config.contextLength;
    this.queue = new SerialQueue(opts.maxQueue ?? 64);
  }

  get contextLength(): number {
    return this.model.config.contextLength;
  }

  /** Token ids of a prompt; 400 when it does not fit the context or holds ids outside the vocabulary. */
  encode(prompt: string | number[], param = 'prompt'): number[] {
    const vocab = this.model.config.vocabSize;
    if (Array.isArray(prompt) && prompt.some((id) => !Number.isInteger(id) || id < 0 || id >= vocab)) {
      throw new HttpError(400, `'${param}' holds a token id outside 0..${vocab - 1}`, param);
    }
    const ids = encodePrompt(this.tokenizer, prompt);
    if (ids.length > this.contextLength) {
      throw new HttpError(400, `the prompt is ${ids.length} tokens, longer than the model's context length of ${this.contextLength} tokens`, param);
    }
    return ids;
  }

  /** Checks a request before its response begins: 400 for too many tokens asked, 503 when the queue is full. */
  admit(maxTokens: number, param = 'max_tokens'): void {
    if (maxTokens > this.maxTokens) throw new HttpError(400, `at most ${this.maxTokens} new tokens may be requested, got ${maxTokens}`, param);
    if (this.queue.size >= (this.opts.maxQueue ?? 64)) throw new HttpError(503, `the server is busy: ${this.queue.size} requests are queued; try again later`);
  }

  async generate(endpoint: string, req: Omit<GenerationRequest, 'prompt'> & { prompt: number[] }): Promise<GenerationResult> {
    this.admit(req.maxTokens);
    try {
      return await this.queue.run(async () => {
        const result = await runGeneration(this.model, this.tokenizer, { ...req, onToken: () => this.opts.onToken?.() });
        this.opts.onGeneration?.({ ...result, endpoint });
        return result;
      }, req.signal);
    } catch (e) {
      if (e instanceof QueueFullError) throw new HttpError(503, e.message);
      throw e;
    }
  }
}
