// What the page's worker does with each request: it owns the backend, the model and its tokenizer,
// and runs everything slow (the BPE trainer, training steps, evaluation, sampling, attention,
// generation, checkpoints) off the page's thread. DOM-free: train.worker.ts wires it to
// postMessage, and the unit tests call it directly in Node.
import { generateStream, type GPTModel } from '@llm/gpt';
import { matmulInfo, matmulThreadStats, noGrad, setMatmulThreads, tensor, tidy } from '@llm/tensor';
import { type Encoding, saveEncoding } from '@llm/tokenizer';
import { modelAttention } from '../lib/attention.js';
import { type BackendChoice, startBackend } from '../lib/backend.js';
import { modelFromFolder, modelToFolder } from '../lib/checkpoint.js';
import { END_OF_TEXT, type ModelPreset, prepareRun, type RunOptions, runTraining } from '../lib/session.js';
import { measureStep, pickPreset } from '../lib/sizing.js';
import { describeModel } from '../lib/describeModel.js';
import type { Control, GenerateRequest, ModelSummary, Replies, Request, WorkerEvent } from './protocol.js';

type Emit = (e: WorkerEvent) => void;

interface Current {
  model: GPTModel;
  tokenizer: Encoding;
  tokenizerJson?: string;
  source: string;
}

/** An 'auto' run's model is the largest whose steps fit this at the measured speed. */
const AUTO_BUDGET_SECONDS = 60;

/** Lets queued messages (pause, stop) in between two steps: a macrotask, not a microtask. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class PlaygroundWorker {
  #current: Current | null = null;
  #busy: string | null = null;
  #stop = false;
  #paused: { resume: () => void; wait: Promise<void> } | null = null;

  constructor(private readonly emit: Emit) {}

  control(c: Control): void {
    if (c.type === 'stop') {
      this.#stop = true;
      this.#resume();
    } else if (c.type === 'pause' && !this.#paused && this.#busy === 'training') {
      let resume = () => {};
      const wait = new Promise<void>((r) => { resume = r; });
      this.#paused = { resume, wait };
      this.emit({ event: 'paused', paused: true });
    } else if (c.type === 'resume') this.#resume();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused.resume();
    this.#paused = null;
    this.emit({ event: 'paused', paused: false });
  }

  async handle(req: Request): Promise<Replies[Request['type']]> {
    if (req.type === 'init') return this.#init(req.backend);
    if (this.#busy) throw new Error(`busy ${this.#busy}: wait for it or stop it first`);
    this.#busy = req.type === 'train' ? 'training' : req.type === 'generate' ? 'generating' : req.type;
    this.#stop = false;
    try {
      switch (req.type) {
        case 'train': return await this.#train(req.text, req.source, req.options);
        case 'attention': return await this.#attention(req.prompt);
        case 'generate': return await this.#generate(req.request);
        case 'logits': return await this.#logits(req.prompt);
        case 'export': return await modelToFolder(this.#need().model, this.#need().tokenizerJson);
        case 'load': return this.#load(req.files, req.name);
      }
    } finally {
      this.#busy = null;
      this.#paused = null;
    }
  }

  async #init(choice: BackendChoice): Promise<Replies['init']> {
    const info = await startBackend(choice);
    // the package's default is 1 thread outside Node; here the pool's Web Workers can use every core
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
    setMatmulThreads(Math.max(1, Math.min(8, cores)));
    return {
      ...info,
      threads: info.name === 'cpu' ? matmulInfo().threads : 1,
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    };
  }

  #need(): Current {
    if (!this.#current) throw new Error('no model yet: train one or load a model folder first');
    return this.#current;
  }

  #setCurrent(next: Current): ModelSummary {
    if (this.#current && this.#current.model !== next.model) this.#current.model.dispose();
    this.#current = next;
    return this.#summary();
  }

  #summary(): ModelSummary {
    const { model, tokenizer, tokenizerJson, source } = this.#need();
    const c = model.config;
    return {
      source, description: describeModel(model), nLayers: c.nLayers, nHeads: c.nHeads, vocabSize: c.vocabSize, contextLength: c.contextLength,
      tokenizer: `${tokenizer.name} (${tokenizer.nVocab} tokens)`, tokenizerJson,
    };
  }

  async #train(text: string, source: string, options: RunOptions): Promise<Replies['train']> {
    const started = performance.now();
    let preset: ModelPreset = options.preset === 'auto' ? 'tiny' : options.preset;
    let sizing = '';
    if (options.preset === 'auto') {
      this.emit({ event: 'status', text: 'timing a few training steps to pick the model size...' });
      const choice = await pickPreset((p) => measureStep(p, options.vocabSize, options.batchSize), options.steps, AUTO_BUDGET_SECONDS);
      preset = choice.preset;
      const timings = Object.entries(choice.secondsPerStep).map(([p, s]) => `${p} ${(s * 1000).toFixed(0)} ms/step`).join(', ');
      sizing = `model size ${preset} for a run under ${AUTO_BUDGET_SECONDS} s (${timings})`;
    }
    const bpeStarted = performance.now();
    this.emit({ event: 'status', text: `training a ${options.vocabSize}-token BPE vocabulary on the text...` });
    await yieldToEvents();
    const run = { ...options, preset };
    const { tokenizer, model } = prepareRun(text, run);
    const bpeSeconds = (performance.now() - bpeStarted) / 1000;
    const tokenizerJson = saveEncoding(tokenizer);
    const summary = this.#setCurrent({ model, tokenizer, tokenizerJson, source: `trained on ${source}` });
    const chunksBefore = matmulThreadStats().workerChunks;
    const result = await runTraining(model, tokenizer, text, run, {
      onStart: (data) => this.emit({ event: 'prepared', model: summary, ...data, bpeSeconds, sizing }),
      onStep: (e) => this.emit({ event: 'step', ...e }),
      onEval: (e) => this.emit({ event: 'eval', ...e }),
      onSample: (e) => this.emit({ event: 'sample', ...e }),
      between: async () => {
        await yieldToEvents();
        while (this.#paused && !this.#stop) await this.#paused.wait;
      },
      stopped: () => this.#stop,
    });
    return {
      steps: result.steps, stopped: this.#stop, seconds: (performance.now() - started) / 1000, model: this.#summary(),
      workerChunks: matmulThreadStats().workerChunks - chunksBefore, threads: matmulInfo().threads,
    };
  }

  async #attention(prompt: string): Promise<Replies['attention']> {
    const { model, tokenizer } = this.#need();
    const all = Array.from(tokenizer.encode(prompt, { allowedSpecial: 'all' }));
    const ids = all.slice(-model.config.contextLength);
    if (ids.length === 0) throw new Error('type a prompt first');
    const maps = await modelAttention(model, ids);
    return { ...maps, tokens: ids.map((id) => tokenizer.decode([id])) };
  }

  async #generate(r: GenerateRequest): Promise<Replies['generate']> {
    const { model, tokenizer } = this.#need();
    if (r.prompt.length === 0) throw new Error('type a prompt first');
    const eos = tokenizer.specialTokens.get(END_OF_TEXT);
    const started = performance.now();
    let tokens = 0;
    const opts = { maxNewTokens: r.maxNewTokens, temperature: r.temperature, topK: r.topK, topP: r.topP, seed: r.seed, eosId: eos };
    for await (const { text } of generateStream(model, tokenizer, r.prompt, opts)) {
      tokens++;
      this.emit({ event: 'token', text });
      await yieldToEvents();
      if (this.#stop) break;
    }
    return { tokens, seconds: (performance.now() - started) / 1000, stopped: this.#stop };
  }

  /** The logits at the prompt's last token (the e2e test compares them before and after a checkpoint round trip). */
  async #logits(prompt: string): Promise<Replies['logits']> {
    const { model, tokenizer } = this.#need();
    const ids = Array.from(tokenizer.encode(prompt, { allowedSpecial: 'all' })).slice(-model.config.contextLength);
    const last = noGrad(() => tidy(() => model.forward(tensor(Int32Array.from(ids), { shape: [1, ids.length] })).narrow(1, ids.length - 1, 1).flatten()));
    try {
      return { ids, logits: Array.from(await last.data()) };
    } finally {
      last.dispose();
    }
  }

  #load(files: Record<string, Uint8Array>, name: string): Replies['load'] {
    const loaded = modelFromFolder(files, name);
    return this.#setCurrent({ model: loaded.model, tokenizer: loaded.tokenizer, tokenizerJson: loaded.tokenizerJson, source: `${name} (${loaded.layout === 'ours' ? 'our layout' : 'Hugging Face layout'})` });
  }
}
