// A configurable training loop built from the package's pieces: the book's train_model_simple
// (evaluate every evalFreq steps, a sample after each epoch) plus appendix D's warmup, cosine
// decay and clipping, callbacks, metrics, plots and checkpoints that resume exactly.
import { manualSeed, type Tensor, tidy } from '@llm/tensor';
import { type Checkpoint, CheckpointManager, type Json, loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import type { DataLoader } from '../data/loader.js';
import { calcLossBatch, evaluateModel } from '../loss.js';
import { MetricsLog } from '../metrics.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { constantSchedule, type LrSchedule, warmupCosineSchedule } from '../optim/schedule.js';
import { writeLossPlot } from '../plot/write.js';
import { ProgressBar } from '../progress/bar.js';
import { generateSample } from '../sample.js';
import type { TrainerOptions, TrainHistory, TrainResult } from './options.js';
import { applyTrainerState, captureTrainerState, restoreModel } from './state.js';

export class Trainer {
  readonly model: TrainerOptions['model'];
  readonly optimizer: Optimizer;
  readonly trainLoader: DataLoader;
  readonly epochs: number;
  readonly totalSteps: number;
  readonly warmupSteps: number;
  readonly schedule: LrSchedule;
  /** Steps done, the epoch in progress, batches of it done, tokens trained on. */
  step = 0;
  epoch = 0;
  batchInEpoch = 0;
  tokensSeen = 0;
  history: TrainHistory = { trainLosses: [], valLosses: [], tokensSeen: [], evalSteps: [], epochsSeen: [] };
  private resumed = false;
  private stopRequested = false;
  private lastSavedStep = -1;
  private readonly metrics?: MetricsLog;
  private readonly checkpoints?: CheckpointManager;
  private progress?: ProgressBar;

  constructor(readonly opts: TrainerOptions) {
    const { model, trainLoader, maxSteps } = opts;
    this.model = model;
    this.trainLoader = trainLoader;
    if (trainLoader.length === 0) throw new Error('Trainer: the training loader has no batches (is the text shorter than the context length, or dropLast with too few samples?)');
    if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1)) throw new RangeError(`Trainer: maxSteps must be a positive integer, got ${maxSteps}`);
    this.epochs = maxSteps !== undefined ? Math.ceil(maxSteps / trainLoader.length) : (opts.epochs ?? 1);
    if (!Number.isInteger(this.epochs) || this.epochs < 1) throw new RangeError(`Trainer: epochs must be a positive integer, got ${this.epochs}`);
    this.totalSteps = maxSteps ?? this.epochs * trainLoader.length;
    // the peak (or constant) learning rate: given, else the optimizer's, else the book's 4e-4
    const lr = opts.lr ?? opts.optimizer?.lr ?? 4e-4;
    this.optimizer = opts.optimizer ?? new AdamW(model.parameters(), { lr, weightDecay: opts.weightDecay ?? 0.1 });
    const schedule = opts.schedule ?? 'constant';
    // warmup (and so clipping's start, with clipAfterWarmup) only exists when asked for
    const warmup = opts.warmup ?? (schedule === 'cosine' ? 0.2 : 0);
    this.warmupSteps = warmup < 1 ? Math.floor(warmup * this.totalSteps) : Math.round(warmup);
    this.schedule = typeof schedule === 'function' ? schedule
      : schedule === 'cosine' ? warmupCosineSchedule({ peakLr: lr, warmupSteps: this.warmupSteps, totalSteps: this.totalSteps, initialLr: opts.initialLr, minLr: opts.minLr })
      : constantSchedule(lr);
    if (opts.outDir) {
      this.metrics = new MetricsLog(`${opts.outDir}/metrics.jsonl`);
      if (opts.checkpointEvery) this.checkpoints = new CheckpointManager(`${opts.outDir}/checkpoints`, opts.keepCheckpoints ?? 2);
    }
  }

  /** Asks fit() to stop after the step in progress (a checkpoint is saved when checkpoints are on). */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Trains until all epochs are done (or `untilStep` steps, counting from the start of the run).
   * A fresh run seeds the default generator with `seed`; a resumed one carries on from its checkpoint.
   */
  async fit(fitOpts: { untilStep?: number } = {}): Promise<TrainResult> {
    const o = this.opts;
    const until = Math.min(fitOpts.untilStep ?? this.totalSteps, this.totalSteps);
    if (!this.resumed && this.step === 0) manualSeed(o.seed ?? 123);
    for (const line of (await this.checkpoints?.removeStale()) ?? []) this.log(line);
    this.stopRequested = false;
    const progress = (this.progress = o.progress === false ? undefined
      : new ProgressBar({ total: this.totalSteps, startStep: this.step, startTokens: this.tokensSeen, ...(typeof o.progress === 'object' ? o.progress : {}) }));
    const stepLosses: number[] = [];
    const stepSeconds: number[] = [];
    this.model.train();
    try {
      while (this.epoch < this.epochs && this.step < until && !this.stopRequested) {
        this.trainLoader.epoch = this.epoch;
        for (const [inputs, targets] of this.trainLoader.iterate({ epoch: this.epoch, startBatch: this.batchInEpoch })) {
          const t0 = performance.now();
          const lr = this.schedule(this.step);
          this.optimizer.setLr(lr);
          const { loss, gradNorm } = await this.trainStep(inputs, targets);
          const seconds = (performance.now() - t0) / 1000;
          this.step++;
          this.batchInEpoch++;
          stepLosses.push(loss);
          stepSeconds.push(seconds);
          progress?.update(this.step, { loss, lr, tokensSeen: this.tokensSeen, epoch: this.epoch + 1 });
          const event = { step: this.step, epoch: this.epoch + 1, loss, lr, tokensSeen: this.tokensSeen, gradNorm, seconds };
          await this.metrics?.append({ type: 'step', ...event });
          await o.onStep?.(event);
          if ((this.step - 1) % (o.evalFreq ?? 5) === 0) await this.evaluate();
          const epochDone = this.batchInEpoch >= this.trainLoader.length;
          const runDone = this.step >= this.totalSteps;
          if (o.sampleEvery && this.step % o.sampleEvery === 0 && !epochDone && !runDone) await this.sample();
          if (runDone && !epochDone) await this.sample(); // a run planned in steps ends part-way through an epoch
          if (!epochDone && (this.step >= until || this.stopRequested)) return await this.finish(stepLosses, stepSeconds);
          if (!epochDone && this.checkpointDue()) await this.saveCheckpoint();
        }
        await this.endEpoch();
        if (this.checkpointDue()) await this.saveCheckpoint();
      }
      return await this.finish(stepLosses, stepSeconds);
    } finally {
      progress?.done();
      this.progress = undefined;
    }
  }

  /** One optimizer step on a batch inside a tidy scope; only the loss (and clipped norm) are read back. The batch stays the caller's. */
  async trainStep(inputs: Tensor, targets: Tensor): Promise<{ loss: number; gradNorm?: number }> {
    const o = this.opts;
    const clip = o.clipGradNorm !== undefined && (o.clipAfterWarmup === false || this.step >= this.warmupSteps);
    const out = tidy(() => {
      this.optimizer.zeroGrad();
      const loss = calcLossBatch(inputs, targets, this.model);
      loss.backward();
      const norm = clip ? clipGradNorm(this.optimizer.params, o.clipGradNorm!) : null;
      this.optimizer.step();
      this.optimizer.zeroGrad();
      return { loss, norm };
    });
    this.tokensSeen += inputs.size;
    try {
      return { loss: await out.loss.item(), gradNorm: out.norm ? await out.norm.item() : undefined };
    } finally {
      out.loss.dispose();
      out.norm?.dispose();
    }
  }

  /** Train and validation loss on the first evalIter batches, recorded in the history. */
  async evaluate(): Promise<{ trainLoss: number; valLoss: number } | undefined> {
    const o = this.opts;
    if (!o.valLoader) return undefined;
    const { trainLoss, valLoss } = await evaluateModel(this.model, this.trainLoader, o.valLoader, o.evalIter ?? 5);
    const h = this.history;
    h.trainLosses.push(trainLoss);
    h.valLosses.push(valLoss);
    h.tokensSeen.push(this.tokensSeen);
    h.evalSteps.push(this.step);
    h.epochsSeen.push(this.epoch + this.batchInEpoch / this.trainLoader.length);
    this.log(`Ep ${this.epoch + 1} (Step ${String(this.step - 1).padStart(6, '0')}): Train loss ${trainLoss.toFixed(3)}, Val loss ${valLoss.toFixed(3)}`);
    const event = { step: this.step, epoch: this.epoch + 1, trainLoss, valLoss, tokensSeen: this.tokensSeen };
    await this.metrics?.append({ type: 'eval', ...event });
    await o.onEval?.(event);
    return { trainLoss, valLoss };
  }

  /** Prints (and logs) a greedy continuation of the start context; undefined when no sample is configured. */
  async sample(): Promise<string | undefined> {
    const o = this.opts;
    if (!o.sample) return undefined;
    const text = await generateSample(this.model, o.sample.tokenizer, o.sample.startContext, o.sample);
    this.log(text);
    const event = { step: this.step, epoch: this.epoch + 1, text };
    await this.metrics?.append({ type: 'sample', ...event });
    await o.onSample?.(event);
    return text;
  }

  private async endEpoch(): Promise<void> {
    const o = this.opts;
    const sample = await this.sample();
    const event = { epoch: this.epoch + 1, step: this.step, tokensSeen: this.tokensSeen, sample };
    await this.metrics?.append({ type: 'epoch', ...event });
    await o.onEpoch?.(event);
    this.epoch++;
    this.batchInEpoch = 0;
    await this.writePlots();
  }

  private async finish(stepLosses: number[], stepSeconds: number[]): Promise<TrainResult> {
    if (this.checkpoints && this.lastSavedStep !== this.step) await this.saveCheckpoint();
    await this.writePlots();
    await this.metrics?.flush();
    return { ...this.history, stepLosses, stepSeconds, step: this.step, totalSteps: this.totalSteps };
  }

  private checkpointDue(): boolean {
    const every = this.opts.checkpointEvery;
    return !!this.checkpoints && !!every && this.step % every === 0 && this.lastSavedStep !== this.step;
  }

  /** Writes the loss plot(s) to outDir (loss.svg, loss.png); returns their paths. */
  async writePlots(): Promise<string[]> {
    const { outDir, plotFormats = ['svg'] } = this.opts;
    if (!outDir || this.history.trainLosses.length === 0) return [];
    const curves = { epochsSeen: this.history.epochsSeen, tokensSeen: this.history.tokensSeen, trainLosses: this.history.trainLosses, valLosses: this.history.valLosses };
    return Promise.all(plotFormats.map((f) => writeLossPlot(`${outDir}/loss.${f}`, curves)));
  }

  /** The full state of the run: model, optimizer, counters, RNG, loader, history, config. */
  checkpoint(): Checkpoint {
    return captureTrainerState(this, this.opts);
  }

  /** Saves a checkpoint to `dir` (default: outDir/checkpoints/step-N, with latest.json). */
  async saveCheckpoint(dir?: string): Promise<string> {
    const ckpt = this.checkpoint();
    let path: string;
    if (dir) path = await saveCheckpoint(dir, ckpt);
    else if (this.checkpoints) path = await this.checkpoints.save(this.step, ckpt);
    else throw new Error('Trainer.saveCheckpoint: pass a directory, or set outDir and checkpointEvery');
    this.lastSavedStep = this.step;
    this.log(`checkpoint: ${path}`);
    return path;
  }

  /** Restores a run from a checkpoint (a step directory or a checkpoints root); fit() then carries on. */
  async loadCheckpoint(path: string): Promise<void> {
    for (const line of (await this.checkpoints?.removeStale()) ?? []) this.log(line);
    const ckpt = await loadCheckpoint(path, { onWarning: (m) => (this.opts.log ?? console.warn)(m) });
    try {
      restoreModel(this.model, ckpt.model, path);
      if (ckpt.optimizer) this.optimizer.loadStateDict(ckpt.optimizer);
      applyTrainerState(this, this.opts, ckpt.meta, path);
    } finally {
      for (const t of Object.values(ckpt.model)) t.dispose();
      for (const s of Object.values(ckpt.optimizer?.state ?? {})) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
    }
    this.resumed = true;
    this.lastSavedStep = this.step;
    // steps logged after this checkpoint was saved are about to be done again
    await this.metrics?.truncateAfter(this.step);
  }

  /** Loads the latest checkpoint (default: outDir/checkpoints) and trains to the end of the run. */
  async resume(path?: string, fitOpts: { untilStep?: number } = {}): Promise<TrainResult> {
    const from = path ?? (this.opts.outDir ? `${this.opts.outDir}/checkpoints` : undefined);
    if (!from) throw new Error('Trainer.resume: pass a checkpoint path, or set outDir');
    await this.loadCheckpoint(from);
    return this.fit(fitOpts);
  }

  /** Config saved with checkpoints. */
  get config(): Record<string, Json> | undefined {
    return this.opts.config;
  }

  private log(line: string): void {
    if (this.opts.log) this.opts.log(line);
    else if (this.progress) this.progress.log(line);
  }
}
