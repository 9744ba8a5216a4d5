// The whole of chapter 7 (and LoRA) in one call, for the CLI's `llm finetune instruct`: data →
// the book's 85/10/5 split → tokenized prompts with a padding/masking collate → training with
// @llm/train's Trainer → answers to the test prompts saved beside the references → exact match,
// ROUGE-L and (optionally) an LLM judge → the saved model and metrics.json.
import { type GPTModel } from '@llm/gpt';
import { saveModel } from '@llm/gpt/node';
import { AdamW, calcLossLoader, type TrainResult } from '@llm/train';
import { Trainer } from '@llm/train/node';
import { saveTokenizerBeside, type StartingPoint, startingModel, type TrainingSettings, useBackend, writeJson } from '../common/run.js';
import { endOfTextId } from '../common/tokenizer.js';
import { parameterCounts } from '../classification/classifier.js';
import { saveLoRA } from '../lora/lora-file.js';
import { mergeLoRA, replaceLinearWithLoRA } from '../lora/replace.js';
import { builtinInstructionData } from './builtin-data.js';
import { loadInstructionData } from './data-file.js';
import { splitInstructionData } from './data.js';
import { InstructionDataLoader, InstructionDataset } from './dataset.js';
import { formatInput, type InstructionEntry } from './format.js';
import { type JudgeOptions, type JudgeResult, judgeResponses, resolveJudgeEndpoint } from './judge.js';
import { type OfflineScores, scoreResponses } from './metrics.js';
import { saveResponses } from './responses-file.js';
import { type EntryWithResponse, generateResponses } from './responses.js';

export interface InstructionFinetuneOptions extends StartingPoint, TrainingSettings {
  /** 'builtin' (default: the offline dataset this package generates) or a JSON file of { instruction, input, output } (the book's instruction-data.json). */
  data?: string;
  /** Size of the builtin dataset (default 1,100). */
  builtinSize?: number;
  /** Use only the first maxEntries entries of the data (before splitting). */
  maxEntries?: number;
  /** Answer at most this many test prompts (default: all). */
  maxTestEntries?: number;
  /** Ignore the prompt's tokens in the loss (the book's exercise 7.2; default false). */
  maskPrompt?: boolean;
  /** Cut training sequences to this many tokens (default: the model's context length). */
  allowedMaxLength?: number;
  /** New tokens per answer at most (default 256, as the book). */
  maxNewTokens?: number;
  /** Score the answers with an LLM judge over HTTP (Ollama or an OpenAI-style server); off by default. */
  judge?: JudgeOptions | false;
  /** Where the responses, metrics, loss plot and model go (default runs/finetune-instruct). */
  outDir?: string;
}

export interface InstructionFinetuneResult {
  model: GPTModel;
  examples: { train: number; validation: number; test: number };
  trainLoss: number;
  valLoss: number;
  testLoss: number;
  /** Losses on evalIter batches before training. */
  initial: { trainLoss: number; valLoss: number };
  responses: EntryWithResponse[];
  scores: Omit<OfflineScores, 'perEntry'>;
  judge?: JudgeResult & { url: string; model: string };
  parameters: { total: number; trainable: number };
  training: TrainResult;
  seconds: number;
  trainSeconds: number;
  generateSeconds: number;
  paths: { outDir: string; model: string; responses: string; metrics: string; adapters?: string };
}

export async function runInstructionFinetune(o: InstructionFinetuneOptions = {}): Promise<InstructionFinetuneResult> {
  const t0 = performance.now();
  const log = o.log ?? ((line: string) => console.log(line));
  const { epochs = 2, batchSize = 8, lr = 5e-5, weightDecay = 0.1, evalFreq = 5, evalIter = 5, seed = 123, outDir = 'runs/finetune-instruct' } = o;
  await useBackend(o.backend);
  const { join } = await import('node:path');

  const data = o.data ?? 'builtin';
  let entries: InstructionEntry[] = data === 'builtin' ? builtinInstructionData({ size: o.builtinSize, seed }) : await loadInstructionData(data);
  if (o.maxEntries !== undefined) entries = entries.slice(0, o.maxEntries);
  const split = splitInstructionData(entries);
  log(`Data: ${data === 'builtin' ? 'the builtin offline dataset' : data}, ${entries.length} entries: ${split.train.length} train, ${split.test.length} test, ${split.validation.length} validation.`);
  if (split.train.length === 0 || split.validation.length === 0) throw new Error(`runInstructionFinetune: ${entries.length} entries leave an empty training or validation split; use more data`);

  const { model, source, tokenizer } = await startingModel(o, seed, 'runInstructionFinetune');
  const allowedMaxLength = Math.min(o.allowedMaxLength ?? model.config.contextLength, model.config.contextLength);
  const padTokenId = endOfTextId(tokenizer);
  const collate = { allowedMaxLength, maskPrompt: o.maskPrompt ?? false, padTokenId };
  const trainSet = new InstructionDataset(split.train, tokenizer);
  const trainLoader = new InstructionDataLoader(trainSet, { batchSize, shuffle: true, dropLast: trainSet.length >= batchSize, seed, ...collate });
  const valLoader = new InstructionDataLoader(new InstructionDataset(split.validation, tokenizer), { batchSize, ...collate });
  const testLoader = new InstructionDataLoader(new InstructionDataset(split.test, tokenizer), { batchSize, ...collate });

  if (o.lora) replaceLinearWithLoRA(model, o.lora.rank, o.lora.alpha);
  else model.unfreeze();
  const parameters = parameterCounts(model);
  log(`Model: ${source} (${model.config.nLayers} layers, embDim ${model.config.embDim}, context ${model.config.contextLength}); ${parameters.trainable.toLocaleString('en-US')} of ${parameters.total.toLocaleString('en-US')} parameters train${o.lora ? ` (LoRA rank ${o.lora.rank}, alpha ${o.lora.alpha})` : ''}.`);

  model.eval();
  const initial = { trainLoss: await calcLossLoader(trainLoader, model, evalIter), valLoss: await calcLossLoader(valLoader, model, evalIter) };
  model.train();
  log(`Before fine-tuning (${evalIter} batches): training loss ${initial.trainLoss.toFixed(3)}, validation loss ${initial.valLoss.toFixed(3)}.`);

  const trainer = new Trainer({
    model, trainLoader, valLoader, optimizer: new AdamW(model.trainableParameters(), { lr, weightDecay }),
    epochs, maxSteps: o.maxSteps, evalFreq, evalIter, seed, outDir, progress: o.progress ?? true, log: o.log,
    lr, schedule: o.schedule ?? 'constant', warmup: o.warmup ?? 0.1, initialLr: lr / 10, minLr: lr / 10, clipGradNorm: o.clipGradNorm, clipAfterWarmup: false,
    sample: { startContext: formatInput(split.validation[0]), tokenizer, maxNewTokens: 35 },
  });
  const tTrain = performance.now();
  const training = await trainer.fit();
  const trainSeconds = (performance.now() - tTrain) / 1000;

  model.eval();
  const losses = {
    trainLoss: await calcLossLoader(trainLoader, model),
    valLoss: await calcLossLoader(valLoader, model),
    testLoss: await calcLossLoader(testLoader, model),
  };
  log(`Training loss ${losses.trainLoss.toFixed(3)}, validation loss ${losses.valLoss.toFixed(3)}, test loss ${losses.testLoss.toFixed(3)} (${trainSeconds.toFixed(1)} s of training).`);

  const testEntries = split.test.slice(0, o.maxTestEntries ?? split.test.length);
  const tGen = performance.now();
  const responses = await generateResponses(model, tokenizer, testEntries, {
    maxNewTokens: o.maxNewTokens ?? 256, eosId: padTokenId,
    onResponse: (i, n) => { if ((i + 1) % 10 === 0 || i + 1 === n) log(`Generated ${i + 1}/${n} test responses`); },
  });
  const generateSeconds = (performance.now() - tGen) / 1000;
  const responsesPath = join(outDir, 'instruction-data-with-response.json');
  await saveResponses(responsesPath, responses);
  const { perEntry: _perEntry, ...scores } = scoreResponses(responses);
  log(`Test responses saved to ${responsesPath}: exact match ${(100 * scores.exactMatch).toFixed(1)}%, ROUGE-L F1 ${scores.rougeL.toFixed(3)} over ${scores.count}.`);

  let judge: InstructionFinetuneResult['judge'];
  if (o.judge) {
    const { url } = resolveJudgeEndpoint(o.judge);
    const result = await judgeResponses(responses, o.judge);
    judge = { ...result, url, model: o.judge.model ?? 'llama3' };
    log(`Judge ${judge.model} at ${url}: average score ${result.average.toFixed(2)} over ${result.scores.length - result.failures.length} of ${result.scores.length} answers.`);
  }

  let adapters: string | undefined;
  if (o.lora) {
    adapters = join(outDir, 'lora-adapters.safetensors');
    await saveLoRA(model, adapters);
    mergeLoRA(model);
  }
  const modelPath = await saveModel(model, join(outDir, 'model'), { metadata: { task: 'instruction' } });
  await saveTokenizerBeside(join(outDir, 'model'), tokenizer);
  const metricsPath = join(outDir, 'metrics.json');
  const seconds = (performance.now() - t0) / 1000;
  const examples = { train: split.train.length, validation: split.validation.length, test: split.test.length };
  await writeJson(metricsPath, {
    task: 'instruction', data, model: source, examples, ...losses, initial, scores, testResponses: responses.length,
    judge: judge ? { url: judge.url, model: judge.model, average: judge.average, scored: judge.scores.length - judge.failures.length, failures: judge.failures } : null,
    parameters, lora: o.lora ?? null, config: { ...model.config },
    hyper: { epochs, maxSteps: o.maxSteps ?? null, batchSize, lr, weightDecay, schedule: o.schedule ?? 'constant', warmup: o.schedule === 'cosine' ? (o.warmup ?? 0.1) : null, clipGradNorm: o.clipGradNorm ?? null, evalFreq, evalIter, seed, maskPrompt: collate.maskPrompt, allowedMaxLength, maxNewTokens: o.maxNewTokens ?? 256 },
    steps: training.step, trainSeconds, generateSeconds, seconds, trainLosses: training.trainLosses, valLosses: training.valLosses,
  });
  log(`Saved the model to ${modelPath}${adapters ? `, the LoRA adapters to ${adapters}` : ''} and the metrics to ${metricsPath}.`);
  return {
    model, examples, ...losses, initial, responses, scores, judge, parameters, training, seconds, trainSeconds, generateSeconds,
    paths: { outDir, model: modelPath, responses: responsesPath, metrics: metricsPath, adapters },
  };
}
