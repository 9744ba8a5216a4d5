// What a Trainer checkpoint carries besides the weights: counters, loss history, every RNG
// state and the loader's position, so a resumed run replays the uninterrupted one exactly.
import { assign, defaultGenerator, type Tensor } from '@llm/tensor';
import type { Checkpoint, Json } from '../checkpoint/checkpoint.js';
import type { TrainableModel, TrainerOptions, TrainHistory } from './options.js';

/** The parts of a Trainer this module reads and restores. */
interface TrainerLike {
  model: TrainableModel;
  optimizer: { stateDict(): Checkpoint['optimizer']; constructor: { name: string } };
  trainLoader: { stateDict(): { epoch: number; seed: number }; loadStateDict(s: { epoch: number; seed: number }): void };
  step: number;
  epoch: number;
  batchInEpoch: number;
  tokensSeen: number;
  totalSteps: number;
  history: TrainHistory;
}

// JSON has no NaN: a generator's "no spare normal" marker travels as null
const encodeRng = (s: number[]): Json => s.map((x) => (Number.isNaN(x) ? null : x));
const decodeRng = (s: Json): number[] => (s as (number | null)[]).map((x) => (x === null ? NaN : x));

export function modelStateDict(model: TrainableModel): Record<string, Tensor> {
  const sd = model.stateDict();
  return sd instanceof Map ? Object.fromEntries(sd) : sd;
}

export function captureTrainerState(t: TrainerLike, o: TrainerOptions): Checkpoint {
  return {
    model: modelStateDict(t.model),
    optimizer: t.optimizer.stateDict(),
    meta: {
      kind: 'trainer',
      optimizer: t.optimizer.constructor.name,
      step: t.step,
      epoch: t.epoch,
      batchInEpoch: t.batchInEpoch,
      tokensSeen: t.tokensSeen,
      totalSteps: t.totalSteps,
      loader: t.trainLoader.stateDict(),
      rng: { default: encodeRng(defaultGenerator.getState()), generators: (o.generators ?? []).map((g) => encodeRng(g.getState())) },
      history: t.history as unknown as Json,
      config: (o.config ?? null) as Json,
    },
  };
}

/** Copies saved weights into the model's live tensors (the optimizer keeps pointing at them). */
export function restoreModel(model: TrainableModel, saved: Record<string, Tensor>, path: string): void {
  const live = modelStateDict(model);
  const missing = Object.keys(live).filter((k) => !(k in saved));
  const unexpected = Object.keys(saved).filter((k) => !(k in live));
  if (missing.length || unexpected.length) {
    throw new Error(`loadCheckpoint: ${path} does not fit the model: missing ${JSON.stringify(missing.slice(0, 5))}${missing.length > 5 ? '…' : ''}, unexpected ${JSON.stringify(unexpected.slice(0, 5))}${unexpected.length > 5 ? '…' : ''}`);
  }
  for (const [name, dst] of Object.entries(live)) {
    const src = saved[name];
    if (src.shape.length !== dst.shape.length || src.shape.some((d, i) => d !== dst.shape[i])) {
      throw new Error(`loadCheckpoint: '${name}' is [${src.shape.join(', ')}] in ${path}, [${dst.shape.join(', ')}] in the model`);
    }
    assign(dst, src);
  }
}

export function applyTrainerState(t: TrainerLike, o: TrainerOptions, meta: Record<string, Json>, path: string): void {
  if (meta.kind !== 'trainer') throw new Error(`loadCheckpoint: ${path} was not saved by a Trainer (meta.kind ${JSON.stringify(meta.kind)})`);
  if (meta.totalSteps !== t.totalSteps) {
    throw new Error(`loadCheckpoint: ${path} is from a run of ${meta.totalSteps} steps, this Trainer plans ${t.totalSteps} (same epochs, batch size and data are needed to resume)`);
  }
  t.step = meta.step as number;
  t.epoch = meta.epoch as number;
  t.batchInEpoch = meta.batchInEpoch as number;
  t.tokensSeen = meta.tokensSeen as number;
  t.history = meta.history as unknown as TrainHistory;
  t.trainLoader.loadStateDict(meta.loader as { epoch: number; seed: number });
  const rng = meta.rng as { default: Json; generators: Json[] };
  defaultGenerator.setState(decodeRng(rng.default));
  const gens = o.generators ?? [];
  if (gens.length !== rng.generators.length) throw new Error(`loadCheckpoint: ${path} carries ${rng.generators.length} extra generator states, the Trainer was given ${gens.length}`);
  gens.forEach((g, i) => g.setState(decodeRng(rng.generators[i])));
}
