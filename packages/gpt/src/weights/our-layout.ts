// Our checkpoint layout: the GPTModel's own state-dict names, shapes by formula (no model is built).
import type { GPTConfig } from '../io/hf-config.js';
import type { HFTensorSpec } from './hf-layout.js';

/** The format tag our checkpoints carry in their safetensors metadata. */
export const CHECKPOINT_FORMAT = 'llm-gpt';

export function ourShapes(config: GPTConfig, tied: boolean): Record<string, number[]> {
  const { vocabSize: V, contextLength: C, embDim: E, nLayers, qkvBias } = config;
  const shapes: Record<string, number[]> = { 'tokEmb.weight': [V, E], 'posEmb.weight': [C, E] };
  for (let i = 0; i < nLayers; i++) {
    const b = `trfBlocks.${i}.`;
    for (const w of ['wQuery', 'wKey', 'wValue']) {
      shapes[`${b}att.${w}.weight`] = [E, E];
      if (qkvBias) shapes[`${b}att.${w}.bias`] = [E];
    }
    shapes[`${b}att.outProj.weight`] = [E, E];
    shapes[`${b}att.outProj.bias`] = [E];
    shapes[`${b}ff.layers.0.weight`] = [4 * E, E];
    shapes[`${b}ff.layers.0.bias`] = [4 * E];
    shapes[`${b}ff.layers.2.weight`] = [E, 4 * E];
    shapes[`${b}ff.layers.2.bias`] = [E];
    for (const n of ['norm1', 'norm2']) shapes[`${b}${n}.scale`] = shapes[`${b}${n}.shift`] = [E];
  }
  shapes['finalNorm.scale'] = shapes['finalNorm.shift'] = [E];
  if (!tied) shapes['outHead.weight'] = [V, E];
  return shapes;
}

/** Each of our tensors maps to the parameter of the same name, as it is. */
export function ourLayout(config: GPTConfig, tied: boolean): HFTensorSpec[] {
  return Object.entries(ourShapes(config, tied)).map(([key, shape]) => ({ key, shape, targets: [key], conv1d: false }));
}
