// The model behind the server: prompts are checked against the context, then generations run
// together through @llm/gpt's ContinuousBatcher (each request joins the next decoding step and
// leaves when done), or one at a time from a queue for a model without a batched decoder. Each
// stops early when its client goes away. Embeddings are computed between decoding steps.
import { ContinuousBatcher, embed, type EmbeddingModel, type GenerativeModel, isBatchDecodable } from '@llm/gpt';
import type { Tensor } from '@llm/tensor';
import type { Encoding } from '@llm/tokenizer';
import { encodePrompt, type GenerationRequest, type GenerationResult, runGeneration, type TokenSource } from '../generation.js';
import { HttpError } from './http.js';
import { SerialQueue } from './queue.js';

/** What the server needs from a model (GPTModel, LlamaModel): generation's forward, its sizes and parameters; batchedDecoder() to batch, forward(ids, { hidden: true }) to embed. */
export interface ServedModel extends GenerativeModel, EmbeddingModel {
  /** ids int32 (B, T) → logits (B, T, vocabSize); with hidden, the final norm's output (B, T, embDim). */
  forward(ids: Tensor, opts?: { useCache?: boolean; lastTokenOnly?: boolean; hidden?: boolean }): Tensor;
  readonly config: { contextLength: number; vocabSize: number; embDim: number; nLayers: number; nHeads: number; modelType?: string };
  parameters(): Tensor[];
}

export interface GenerationEvent extends GenerationResult {
  endpoint: string;
}

export interface EngineOptions {
  /** Most new tokens a request may ask for (default: the model's context length). */
  maxTokens?: number;
  /** Requests waiting or running at most; more get 503 (default 64). */
  maxQueue?: number;
  /** Sequences decoded together at most (default 16); 1 decodes one request at a time. */
  maxBatch?: number;
  /** Called after each generated token (tests count them). */
  onToken?: () => void;
  /** Called when a generation ends, however it ends. */
  onGeneration?: (e: GenerationEvent) => void;
  /** Called after each batched decoding step with its batch size. */
  onStep?: (batchSize: number) => void;
}

export class Engine {
  readonly maxTokens: number;
  readonly maxQueue: number;
  readonly batcher?: ContinuousBatcher;
  readonly #queue: SerialQueue;
  #inFlight = 0;

  constructor(
    readonly model: ServedModel,
    readonly tokenizer: Encoding,
    private readonly opts: EngineOptions = {},
  ) {
    this.maxTokens = opts.maxTokens ?? model.config.contextLength;
    this.maxQueue = opts.maxQueue ?? 64;
    const maxBatch = opts.maxBatch ?? 16;
    if (maxBatch > 1 && isBatchDecodable(model)) this.batcher = new ContinuousBatcher(model.batchedDecoder(), { maxBatch, onStep: opts.onStep });
    this.#queue = new SerialQueue();
  }

  get contextLength(): number {
    return this.model.config.contextLength;
  }

  /** Requests generating or waiting to. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Token ids of a prompt; 400 when it does not fit the context or holds ids outside the vocabulary. */
  encode(prompt: string | number[], param = 'prompt'): number[] {
    const ids = this.tokenize(prompt, param);
    if (ids.length > this.contextLength) {
      throw new HttpError(400, `the prompt is ${ids.length} tokens, longer than the model's context length of ${this.contextLength} tokens`, param);
    }
    return ids;
  }

  /** Token ids of a text or a list of ids, checked against the vocabulary, any length. */
  tokenize(input: string | number[], param: string): number[] {
    const vocab = this.model.config.vocabSize;
    if (Array.isArray(input) && input.some((id) => !Number.isInteger(id) || id < 0 || id >= vocab)) {
      throw new HttpError(400, `'${param}' holds a token id outside 0..${vocab - 1}`, param);
    }
    return encodePrompt(this.tokenizer, input);
  }

  /** Checks a request before its response begins: 400 for too many tokens asked, 503 when the server is full. */
  admit(maxTokens: number, param = 'max_tokens'): void {
    if (maxTokens > this.maxTokens) throw new HttpError(400, `at most ${this.maxTokens} new tokens may be requested, got ${maxTokens}`, param);
    if (this.#inFlight >= this.maxQueue) throw new HttpError(503, `the server is busy: ${this.#inFlight} requests are under way or queued; try again later`);
  }

  async generate(endpoint: string, req: Omit<GenerationRequest, 'prompt' | 'source'> & { prompt: number[] }): Promise<GenerationResult> {
    this.admit(req.maxTokens);
    this.#inFlight++;
    const batcher = this.batcher;
    const source: TokenSource | undefined = batcher && ((prompt, o) => batcher.generate(prompt, o));
    const run = async () => {
      const result = await runGeneration(this.model, this.tokenizer, { ...req, source, onToken: () => this.opts.onToken?.() });
      this.opts.onGeneration?.({ ...result, endpoint });
      return result;
    };
    try {
      return await (batcher ? run() : this.#queue.run(run, req.signal));
    } finally {
      this.#inFlight--;
    }
  }

  /** The embedding of each input: the final norm's output (LayerNorm in GPT-2, RMSNorm in Llama), mean over its tokens, unit length (see @llm/gpt's embed). */
  async embed(inputs: number[][]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const ids of inputs) {
      out.push(await embed(this.model, ids));
      await new Promise<void>((r) => setImmediate(r)); // let decoding steps run between inputs
    }
    return out;
  }
}
