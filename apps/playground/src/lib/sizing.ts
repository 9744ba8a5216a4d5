// Picking the model size for the backend's measured speed: time a few training steps of each preset,
// smallest first, on random tokens, and keep the largest whose whole run is projected to fit the
// time budget. A preset already too slow ends the search, so a slow backend (SwiftShader's WebGPU)
// pays only for the smallest probe.
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { Generator, randint, tidy } from '@llm/tensor';
import { AdamW, calcLossBatch } from '@llm/train';
import { MODEL_PRESETS, type ModelPreset } from './session.js';

export interface SizeChoice {
  preset: ModelPreset;
  /** Seconds per training step of each preset measured. */
  secondsPerStep: Partial<Record<ModelPreset, number>>;
}

/** The largest preset whose `steps` steps take at most budgetSeconds by `measure` (seconds per step). */
export async function pickPreset(measure: (preset: ModelPreset) => Promise<number>, steps: number, budgetSeconds: number): Promise<SizeChoice> {
  const order = Object.keys(MODEL_PRESETS) as ModelPreset[]; // smallest first
  const secondsPerStep: SizeChoice['secondsPerStep'] = {};
  let preset = order[0];
  for (const p of order) {
    const s = await measure(p);
    secondsPerStep[p] = s;
    if (s * steps > budgetSeconds) break;
    preset = p;
  }
  return { preset, secondsPerStep };
}

/** Seconds per training step (forward, backward, AdamW) of a preset, after one warm-up step. */
export async function measureStep(preset: ModelPreset, vocabSize: number, batchSize: number, timedSteps = 2): Promise<number> {
  const config: GPTConfig = { ...MODEL_PRESETS[preset], vocabSize, dropRate: 0.1, qkvBias: false };
  const model = new GPTModel(config, { init: 'gpt2', generator: new Generator(1) });
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const shape = [batchSize, config.contextLength];
  const step = async () => {
    const loss = tidy(() => {
      const ids = randint(0, vocabSize, shape, { dtype: 'int32', generator: new Generator(2) });
      const l = calcLossBatch(ids, ids, model);
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      return l;
    });
    await loss.data(); // waits for the GPU too
    loss.dispose();
  };
  try {
    model.train();
    await step();
    const started = performance.now();
    for (let i = 0; i < timedSteps; i++) await step();
    return (performance.now() - started) / 1000 / timedSteps;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
