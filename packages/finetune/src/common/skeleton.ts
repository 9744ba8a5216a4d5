// The one skeleton both fine-tunings run (chapter 6's classifier, chapter 7's instruction
// following, each with appendix E's LoRA): data → the starting model and its tokenizer →
// datasets → model surgery (the task's, or LoRA adapters) → a measurement before training →
// @llm/train's Trainer → the task's evaluation → adapters saved and merged → the model saved →
// metrics.json. A task supplies only what differs (its FinetuneTask); a model type plugs in once,
// in startingModel and saveFinetunedModel (common/run.ts).
import { AdamW, type BatchSource, type DataLoader, type TrainResult } from '@llm/train';
import { Trainer } from '@llm/train/node';
import { saveLoRA, type SaveLoRAOptions } from '../lora/lora-file.js';
import { mergeLoRA, replaceLinearWithLoRA } from '../lora/replace.js';
import { type FinetunableModel, type StartingPoint, startingModel, type Started, type TrainingSettings, useBackend, writeJson } from './run.js';

/** The settings every run resolves (a task gives its own defaults). */
export interface RunSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  evalFreq: number;
  evalIter: number;
  seed: number;
  outDir: string;
}

export interface RunContext extends Started {
  settings: RunSettings;
  log: (line: string) => void;
  join: (...parts: string[]) => string;
}

export interface FinetuneTask<Data, Sets extends { trainLoader: DataLoader; valLoader: BatchSource }, Outcome extends Record<string, unknown>> {
  /** 'classification' or 'instruction': metrics.json's task. */
  name: string;
  /** The function the errors name. */
  op: string;
  defaults: Pick<RunSettings, 'epochs' | 'evalFreq' | 'outDir'>;
  /** Reads the data, before any model is loaded (so a bad path fails fast). */
  loadData(settings: RunSettings, log: (line: string) => void): Promise<Data>;
  /** Datasets and loaders for the model's tokenizer and context. */
  datasets(data: Data, ctx: RunContext): Promise<Sets>;
  /** Model surgery: what trains without LoRA, and what LoRA needs first (a new head); returns a note for the log and LoRA's extra saves. */
  prepare(model: FinetunableModel, sets: Sets, ctx: RunContext, lora: boolean): { note: string; saveLoRA?: SaveLoRAOptions; trainableBeforeLoRA?: number };
  /** A measurement before training (logged and kept in metrics.json as "initial"). */
  before(model: FinetunableModel, sets: Sets, ctx: RunContext): Promise<Record<string, number>>;
  /** Extra Trainer hooks (an epoch's accuracy, a sample prompt). */
  trainerHooks?(model: FinetunableModel, sets: Sets, ctx: RunContext): Pick<ConstructorParameters<typeof Trainer>[0], 'onEpoch' | 'sample'>;
  /** Evaluation after training: the task's results and the extra fields for metrics.json. */
  evaluate(model: FinetunableModel, sets: Sets, ctx: RunContext, trainSeconds: number): Promise<{ outcome: Outcome; metrics: Record<string, unknown> }>;
  /** Saves the fine-tuned model (LoRA merged); resolves to its path and anything the result adds. */
  save(model: FinetunableModel, sets: Sets, ctx: RunContext, outcome: Outcome): Promise<{ path: string; extra?: Record<string, unknown> }>;
  /** Task-specific hyperparameters for metrics.json. */
  hyper?(ctx: RunContext, sets: Sets): Record<string, unknown>;
}

export interface RunResult<Sets, Outcome> {
  model: FinetunableModel;
  sets: Sets;
  outcome: Outcome;
  initial: Record<string, number>;
  parameters: { total: number; trainable: number; trainableBeforeLoRA?: number };
  training: TrainResult;
  seconds: number;
  trainSeconds: number;
  paths: { outDir: string; model: string; metrics: string; adapters?: string };
  saved: Record<string, unknown>;
  ctx: RunContext;
}

export async function runFinetune<Data, Sets extends { trainLoader: DataLoader; valLoader: BatchSource }, Outcome extends Record<string, unknown>>(
  task: FinetuneTask<Data, Sets, Outcome>,
  o: StartingPoint & TrainingSettings & Partial<RunSettings>,
): Promise<RunResult<Sets, Outcome>> {
  const t0 = performance.now();
  const log = o.log ?? ((line: string) => console.log(line));
  const settings: RunSettings = {
    epochs: o.epochs ?? task.defaults.epochs, batchSize: o.batchSize ?? 8, lr: o.lr ?? 5e-5, weightDecay: o.weightDecay ?? 0.1,
    evalFreq: o.evalFreq ?? task.defaults.evalFreq, evalIter: o.evalIter ?? 5, seed: o.seed ?? 123, outDir: o.outDir ?? task.defaults.outDir,
  };
  await useBackend(o.backend);
  const { join } = await import('node:path');

  const data = await task.loadData(settings, log);
  const started = await startingModel(o, settings.seed, task.op);
  const ctx: RunContext = { ...started, settings, log, join };
  const { model } = started;
  const sets = await task.datasets(data, ctx);

  const prepared = task.prepare(model, sets, ctx, !!o.lora);
  if (o.lora) replaceLinearWithLoRA(model, o.lora.rank, o.lora.alpha);
  const parameters = { total: model.numParameters(), trainable: model.numParameters({ trainableOnly: true }), ...(prepared.trainableBeforeLoRA === undefined ? {} : { trainableBeforeLoRA: prepared.trainableBeforeLoRA }) };
  const { nLayers, embDim, contextLength } = model.config;
  log(`Model: ${started.source} (${nLayers} layers, embDim ${embDim}, context ${contextLength}); ${parameters.trainable.toLocaleString('en-US')} of ${parameters.total.toLocaleString('en-US')} parameters train${o.lora ? ` (LoRA rank ${o.lora.rank}, alpha ${o.lora.alpha})` : prepared.note}.`);

  const initial = await task.before(model, sets, ctx);
  model.train();

  const { lr, epochs, evalFreq, evalIter, seed, outDir, weightDecay, batchSize } = settings;
  const trainer = new Trainer({
    model, trainLoader: sets.trainLoader, valLoader: sets.valLoader, optimizer: new AdamW(model.trainableParameters(), { lr, weightDecay }),
    epochs, maxSteps: o.maxSteps, evalFreq, evalIter, seed, outDir, progress: o.progress ?? true, log: o.log,
    lr, schedule: o.schedule ?? 'constant', warmup: o.warmup ?? 0.1, initialLr: lr / 10, minLr: lr / 10, clipGradNorm: o.clipGradNorm, clipAfterWarmup: false,
    ...task.trainerHooks?.(model, sets, ctx),
  });
  const tTrain = performance.now();
  const training = await trainer.fit();
  const trainSeconds = (performance.now() - tTrain) / 1000;

  model.eval();
  const { outcome, metrics } = await task.evaluate(model, sets, ctx, trainSeconds);

  let adapters: string | undefined;
  if (o.lora) {
    adapters = join(outDir, 'lora-adapters.safetensors');
    await saveLoRA(model, adapters, prepared.saveLoRA);
    mergeLoRA(model);
  }
  const saved = await task.save(model, sets, ctx, outcome);
  const metricsPath = join(outDir, 'metrics.json');
  const seconds = (performance.now() - t0) / 1000;
  await writeJson(metricsPath, {
    task: task.name, model: started.source, ...metrics, initial, parameters, lora: o.lora ?? null, config: { ...model.config },
    hyper: {
      epochs, maxSteps: o.maxSteps ?? null, batchSize, lr, weightDecay, schedule: o.schedule ?? 'constant', warmup: o.schedule === 'cosine' ? (o.warmup ?? 0.1) : null,
      clipGradNorm: o.clipGradNorm ?? null, evalFreq, evalIter, seed, ...task.hyper?.(ctx, sets),
    },
    steps: training.step, trainSeconds, seconds, trainLosses: training.trainLosses, valLosses: training.valLosses,
  });
  log(`Saved the ${task.name === 'classification' ? 'classifier' : 'model'} to ${saved.path}${adapters ? `, the LoRA adapters to ${adapters}` : ''} and the metrics to ${metricsPath}.`);
  model.eval();
  return { model, sets, outcome, initial, parameters, training, seconds, trainSeconds, paths: { outDir, model: saved.path, metrics: metricsPath, adapters }, saved: saved.extra ?? {}, ctx };
}
