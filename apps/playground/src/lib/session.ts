// A training run as the page's worker does it: a byte-level BPE vocabulary trained on the text,
// a GPT sized for the backend, the book's loop (AdamW, warmup + cosine learning rate, gradient
// clipping) with train/validation losses every few steps and a sample every N steps. DOM-free:
// the worker drives it, and the unit tests drive it in Node the same way.
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { Generator, manualSeed, tidy } from '@llm/tensor';
import { type Encoding, trainBPE } from '@llm/tokenizer';
import { AdamW, type Batch, calcLossBatch, calcLossLoader, clipGradNorm, DataLoader, encodeText, generateSample, GPTDataset, warmupCosineLr } from '@llm/train';

export const END_OF_TEXT = '<|endoftext|>';

/** Model sizes: the page picks 'tiny' on the CPU backend and 'small' on WebGPU. */
export const MODEL_PRESETS = {
  tiny: { contextLength: 64, embDim: 64, nHeads: 4, nLayers: 2 },
  small: { contextLength: 128, embDim: 128, nHeads: 4, nLayers: 4 },
} as const satisfies Record<string, Omit<GPTConfig, 'vocabSize' | 'dropRate' | 'qkvBias'>>;
export type ModelPreset = keyof typeof MODEL_PRESETS;

export interface RunOptions {
  /** 'auto': the largest preset whose run fits a minute at the backend's measured speed (sizing.ts). */
  preset: ModelPreset | 'auto';
  /** Vocabulary size to train (256 bytes + merges + <|endoftext|>). */
  vocabSize: number;
  steps: number;
  batchSize: number;
  peakLr: number;
  /** Fraction of the steps spent warming up. */
  warmup: number;
  evalEvery: number;
  /** Batches averaged for each evaluation. */
  evalBatches: number;
  sampleEvery: number;
  sampleTokens: number;
  seed: number;
}

/** Options with the model size decided. */
export type SizedRunOptions = RunOptions & { preset: ModelPreset };

export const DEFAULT_RUN: SizedRunOptions = {
  preset: 'tiny', vocabSize: 512, steps: 400, batchSize: 8, peakLr: 5e-3, warmup: 0.05,
  evalEvery: 20, evalBatches: 4, sampleEvery: 50, sampleTokens: 40, seed: 123,
};

export interface StepEvent {
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  tokensPerSecond: number;
  etaSeconds: number;
}
export interface EvalEvent {
  step: number;
  trainLoss: number;
  valLoss: number;
}
export interface SampleEvent {
  step: number;
  text: string;
}

export interface DataEvent {
  trainTokens: number;
  valTokens: number;
  /** Tokens per sample. */
  sampleLength: number;
  batchesPerEpoch: number;
}

export interface RunHooks {
  onStart?(e: DataEvent): void;
  onStep?(e: StepEvent): void;
  onEval?(e: EvalEvent): void;
  onSample?(e: SampleEvent): void;
  /** Awaited after every step: where the worker reads its messages (pause, stop) and waits while paused. */
  between?(): Promise<void>;
  /** Checked after every step. */
  stopped?(): boolean;
}

export interface Prepared {
  tokenizer: Encoding;
  model: GPTModel;
}

/** Trains the vocabulary on the training 90% of the text and makes a fresh model for it. */
export function prepareRun(text: string, opts: SizedRunOptions): Prepared {
  const split = Math.floor(text.length * 0.9);
  const tokenizer = trainBPE(text.slice(0, split), { vocabSize: opts.vocabSize, specialTokens: [END_OF_TEXT], name: 'playground-bpe' });
  // dropout: a 20 kB story is learned by heart within a few hundred steps, and validation loss rises without it
  const config: GPTConfig = { ...MODEL_PRESETS[opts.preset], vocabSize: tokenizer.nVocab, dropRate: 0.1, qkvBias: false };
  const model = new GPTModel(config, { init: 'gpt2', generator: new Generator(opts.seed) });
  return { tokenizer, model };
}

/** The train / validation loaders of the text (90/10 by characters, as the book), samples of contextLength tokens. */
export function makeLoaders(text: string, tokenizer: Encoding, contextLength: number, batchSize: number, seed: number): { train: DataLoader; val: DataLoader; data: DataEvent } {
  const split = Math.floor(text.length * 0.9);
  const trainIds = encodeText(text.slice(0, split), tokenizer);
  const valIds = encodeText(text.slice(split), tokenizer);
  const T = Math.min(contextLength, Math.floor(valIds.length / 2));
  if (T < 8) throw new Error(`the text is too short: its last 10% (validation) has ${valIds.length} tokens; paste at least a few thousand characters`);
  const train = new DataLoader(new GPTDataset(trainIds, { maxLength: T, stride: Math.max(1, T >> 1) }), { batchSize, shuffle: true, dropLast: true, seed });
  const val = new DataLoader(new GPTDataset(valIds, { maxLength: T, stride: T }), { batchSize, dropLast: false });
  if (train.length === 0) throw new Error(`the training text (${trainIds.length} tokens) has less than one batch of ${batchSize} × ${T} tokens`);
  return { train, val, data: { trainTokens: trainIds.length, valTokens: valIds.length, sampleLength: T, batchesPerEpoch: train.length } };
}

/** The text's first few words: the prompt of the samples. */
export function samplePrompt(text: string): string {
  return text.trim().split(/\s+/).slice(0, 4).join(' ');
}

/** Trains `model` on the text; resolves when the steps are done or hooks.stopped() says so. */
export async function runTraining(model: GPTModel, tokenizer: Encoding, text: string, opts: RunOptions, hooks: RunHooks = {}): Promise<{ steps: number; evals: EvalEvent[] }> {
  const { train, val, data } = makeLoaders(text, tokenizer, model.config.contextLength, opts.batchSize, opts.seed);
  manualSeed(opts.seed); // dropout's draws: a run repeats exactly
  hooks.onStart?.(data);
  const optimizer = new AdamW(model.parameters(), { lr: opts.peakLr, weightDecay: 0.1 });
  const schedule = { peakLr: opts.peakLr, warmupSteps: Math.round(opts.warmup * opts.steps), totalSteps: opts.steps, initialLr: opts.peakLr / 20, minLr: opts.peakLr / 10 };
  const prompt = samplePrompt(text);
  const evals: EvalEvent[] = [];
  const evaluate = async (step: number) => {
    model.eval();
    const e = { step, trainLoss: await calcLossLoader(train, model, opts.evalBatches), valLoss: await calcLossLoader(val, model, opts.evalBatches) };
    evals.push(e);
    hooks.onEval?.(e);
  };
  const sample = async (step: number) => {
    const textOut = await generateSample(model, tokenizer, prompt, { maxNewTokens: opts.sampleTokens, temperature: 0.8, topK: 40, seed: opts.seed });
    hooks.onSample?.({ step, text: textOut });
  };
  let batches = train[Symbol.iterator]();
  let step = 0, tokens = 0, busySeconds = 0;
  try {
    await evaluate(0);
    while (step < opts.steps && !hooks.stopped?.()) {
      const started = performance.now();
      let next = batches.next();
      if (next.done) {
        batches = train[Symbol.iterator]();
        next = batches.next();
      }
      const [inputs, targets] = next.value as Batch;
      const lr = warmupCosineLr(step, schedule);
      optimizer.setLr(lr);
      model.train();
      const lossTensor = tidy(() => {
        optimizer.zeroGrad();
        const l = calcLossBatch(inputs, targets, model);
        l.backward();
        clipGradNorm(model.parameters(), 1);
        optimizer.step();
        optimizer.zeroGrad();
        return l;
      });
      const loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      tokens += inputs.size;
      inputs.dispose();
      targets.dispose();
      step++;
      busySeconds += (performance.now() - started) / 1000;
      const tokensPerSecond = tokens / busySeconds;
      hooks.onStep?.({ step, totalSteps: opts.steps, loss, lr, tokensPerSecond, etaSeconds: ((opts.steps - step) * inputs.size) / tokensPerSecond });
      if (step % opts.evalEvery === 0 || step === opts.steps) await evaluate(step);
      if (step % opts.sampleEvery === 0 || step === opts.steps) await sample(step);
      await hooks.between?.();
    }
    if (evals.at(-1)?.step !== step) await evaluate(step);
  } finally {
    model.eval();
    optimizer.dispose();
  }
  return { steps: step, evals };
}
