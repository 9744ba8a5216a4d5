// The whole of chapter 7 (and LoRA) in one call, for the CLI's `llm finetune instruct`: data →
// the book's 85/10/5 split → tokenized prompts with a padding/masking collate → training with
// @llm/train's Trainer → answers to the test prompts saved beside the references → exact match,
// ROUGE-L and (optionally) an LLM judge → the saved model and metrics.json.
import { calcLossLoader, type TrainResult } from '@llm/train';
import { type FinetunableModel, saveFinetunedModel, type StartingPoint, type TrainingSettings } from '../common/run.js';
import { type FinetuneTask, runFinetune } from '../common/skeleton.js';
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
  model: FinetunableModel;
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

type Split = ReturnType<typeof splitInstructionData<InstructionEntry>>;
interface Sets {
  split: Split;
  trainLoader: InstructionDataLoader;
  valLoader: InstructionDataLoader;
  testLoader: InstructionDataLoader;
  collate: { allowedMaxLength: number; maskPrompt: boolean; padTokenId: number };
}
interface Outcome extends Record<string, unknown> {
  losses: { trainLoss: number; valLoss: number; testLoss: number };
  responses: EntryWithResponse[];
  scores: Omit<OfflineScores, 'perEntry'>;
  judge?: JudgeResult & { url: string; model: string };
  responsesPath: string;
  generateSeconds: number;
}

function instructionTask(o: InstructionFinetuneOptions): FinetuneTask<{ data: string; entries: InstructionEntry[]; split: Split }, Sets, Outcome> {
  return {
    name: 'instruction',
    op: 'runInstructionFinetune',
    defaults: { epochs: 2, evalFreq: 5, outDir: 'runs/finetune-instruct' },
    async loadData({ seed }, log) {
      const data = o.data ?? 'builtin';
      let entries: InstructionEntry[] = data === 'builtin' ? builtinInstructionData({ size: o.builtinSize, seed }) : await loadInstructionData(data);
      if (o.maxEntries !== undefined) entries = entries.slice(0, o.maxEntries);
      const split = splitInstructionData(entries);
      log(`Data: ${data === 'builtin' ? 'the builtin offline dataset' : data}, ${entries.length} entries: ${split.train.length} train, ${split.test.length} test, ${split.validation.length} validation.`);
      if (split.train.length === 0 || split.validation.length === 0) throw new Error(`runInstructionFinetune: ${entries.length} entries leave an empty training or validation split; use more data`);
      return { data, entries, split };
    },
    async datasets({ split }, { model, tokenizer, padTokenId, settings: { batchSize, seed } }) {
      const { contextLength } = model.config;
      const allowedMaxLength = Math.min(o.allowedMaxLength ?? contextLength, contextLength);
      const collate = { allowedMaxLength, maskPrompt: o.maskPrompt ?? false, padTokenId };
      const trainSet = new InstructionDataset(split.train, tokenizer);
      return {
        split, collate,
        trainLoader: new InstructionDataLoader(trainSet, { batchSize, shuffle: true, dropLast: trainSet.length >= batchSize, seed, ...collate }),
        valLoader: new InstructionDataLoader(new InstructionDataset(split.validation, tokenizer), { batchSize, ...collate }),
        testLoader: new InstructionDataLoader(new InstructionDataset(split.test, tokenizer), { batchSize, ...collate }),
      };
    },
    prepare(model, _sets, _ctx, lora) {
      if (!lora) model.unfreeze();
      return { note: '' };
    },
    async before(model, { trainLoader, valLoader }, { settings: { evalIter }, log }) {
      model.eval();
      const initial = { trainLoss: await calcLossLoader(trainLoader, model, evalIter), valLoss: await calcLossLoader(valLoader, model, evalIter) };
      log(`Before fine-tuning (${evalIter} batches): training loss ${initial.trainLoss.toFixed(3)}, validation loss ${initial.valLoss.toFixed(3)}.`);
      return initial;
    },
    trainerHooks(_model, { split }, { tokenizer }) {
      return { sample: { startContext: formatInput(split.validation[0]), tokenizer, maxNewTokens: 35 } };
    },
    async evaluate(model, { split, trainLoader, valLoader, testLoader }, { tokenizer, padTokenId, stopIds, settings: { outDir }, log, join }, trainSeconds) {
      const losses = {
        trainLoss: await calcLossLoader(trainLoader, model),
        valLoss: await calcLossLoader(valLoader, model),
        testLoss: await calcLossLoader(testLoader, model),
      };
      log(`Training loss ${losses.trainLoss.toFixed(3)}, validation loss ${losses.valLoss.toFixed(3)}, test loss ${losses.testLoss.toFixed(3)} (${trainSeconds.toFixed(1)} s of training).`);
      const testEntries = split.test.slice(0, o.maxTestEntries ?? split.test.length);
      const tGen = performance.now();
      const responses = await generateResponses(model, tokenizer, testEntries, {
        maxNewTokens: o.maxNewTokens ?? 256, eosId: padTokenId, stopIds,
        onResponse: (i, n) => { if ((i + 1) % 10 === 0 || i + 1 === n) log(`Generated ${i + 1}/${n} test responses`); },
      });
      const generateSeconds = (performance.now() - tGen) / 1000;
      const responsesPath = join(outDir, 'instruction-data-with-response.json');
      await saveResponses(responsesPath, responses);
      const { perEntry: _perEntry, ...scores } = scoreResponses(responses);
      log(`Test responses saved to ${responsesPath}: exact match ${(100 * scores.exactMatch).toFixed(1)}%, ROUGE-L F1 ${scores.rougeL.toFixed(3)} over ${scores.count}.`);
      let judge: Outcome['judge'];
      if (o.judge) {
        const { url } = resolveJudgeEndpoint(o.judge);
        const result = await judgeResponses(responses, o.judge);
        judge = { ...result, url, model: o.judge.model ?? 'llama3' };
        log(`Judge ${judge.model} at ${url}: average score ${result.average.toFixed(2)} over ${result.scores.length - result.failures.length} of ${result.scores.length} answers.`);
      }
      const examples = { train: split.train.length, validation: split.validation.length, test: split.test.length };
      return {
        outcome: { losses, responses, scores, judge, responsesPath, generateSeconds },
        metrics: {
          data: o.data ?? 'builtin', examples, ...losses, scores, testResponses: responses.length, generateSeconds,
          judge: judge ? { url: judge.url, model: judge.model, average: judge.average, scored: judge.scores.length - judge.failures.length, failures: judge.failures } : null,
        },
      };
    },
    async save(_model, _sets, ctx) {
      return { path: await saveFinetunedModel(ctx, ctx.join(ctx.settings.outDir, 'model'), { task: 'instruction' }) };
    },
    hyper: (_ctx, { collate }) => ({ maskPrompt: collate.maskPrompt, allowedMaxLength: collate.allowedMaxLength, maxNewTokens: o.maxNewTokens ?? 256 }),
  };
}

export async function runInstructionFinetune(o: InstructionFinetuneOptions = {}): Promise<InstructionFinetuneResult> {
  const r = await runFinetune(instructionTask(o), o);
  const { split } = r.sets;
  const { losses, responses, scores, judge, responsesPath, generateSeconds } = r.outcome;
  return {
    model: r.model, examples: { train: split.train.length, validation: split.validation.length, test: split.test.length }, ...losses,
    initial: r.initial as InstructionFinetuneResult['initial'], responses, scores, judge, parameters: r.parameters, training: r.training,
    seconds: r.seconds, trainSeconds: r.trainSeconds, generateSeconds,
    paths: { outDir: r.paths.outDir, model: r.paths.model, responses: responsesPath, metrics: r.paths.metrics, adapters: r.paths.adapters },
  };
}
