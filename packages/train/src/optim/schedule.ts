// Learning-rate schedules (the book's appendix D): a linear warmup from initialLr to peakLr,
// then a cosine decay from peakLr down to minLr at the last step.

export interface WarmupCosineOptions {
  peakLr: number;
  /** Steps of linear warmup (the book: 20% of all steps). */
  warmupSteps: number;
  /** All optimizer steps of the run (epochs × batches per epoch). */
  totalSteps: number;
  /** Learning rate at step 0 (default peakLr / 100: the book starts at 1e-5 for a 1e-3 peak). */
  initialLr?: number;
  /** Learning rate at the end of the decay (default: initialLr). */
  minLr?: number;
}

/** The learning rate of 0-based step `step`, as the book's train_model in appendix D. */
export function warmupCosineLr(step: number, opts: WarmupCosineOptions): number {
  const { peakLr, warmupSteps, totalSteps } = opts;
  const initialLr = opts.initialLr ?? peakLr / 100;
  const minLr = opts.minLr ?? initialLr;
  if (step < warmupSteps) return initialLr + (step * (peakLr - initialLr)) / warmupSteps;
  const decaySteps = totalSteps - warmupSteps;
  const progress = decaySteps > 0 ? Math.min(1, (step - warmupSteps) / decaySteps) : 1;
  return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** A schedule as a function of the 0-based global step. */
export type LrSchedule = (step: number) => number;

export function warmupCosineSchedule(opts: WarmupCosineOptions): LrSchedule {
  if (!(opts.peakLr > 0)) throw new RangeError(`warmupCosineSchedule: peakLr must be > 0, got ${opts.peakLr}`);
  if (!(opts.warmupSteps >= 0) || !(opts.totalSteps >= opts.warmupSteps)) {
    throw new RangeError(`warmupCosineSchedule: need 0 <= warmupSteps <= totalSteps, got ${opts.warmupSteps} and ${opts.totalSteps}`);
  }
  return (step) => warmupCosineLr(step, opts);
}

export const constantSchedule = (lr: number): LrSchedule => () => lr;
