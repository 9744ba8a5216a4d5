// Saving LoRA adapters on their own and loading them back onto a model (Node: a safetensors file).
import type { Module } from '@llm/nn';
import type { Tensor } from '@llm/tensor';
import { loadTensorsInto, readMetadata, writeTensors } from '../common/weights.js';
import { loraLayers, replaceLinearWithLoRA } from './replace.js';

export const LORA_FORMAT = 'llm-lora';

export interface SaveLoRAOptions {
  /** Other parameters to save with the adapters, by state-dict name (e.g. a new classifier head's base weights). */
  extra?: string[];
  metadata?: Record<string, string>;
}

/**
 * Writes the adapters' A and B (and `extra` parameters) to a safetensors file, atomically, with
 * each adapted layer's rank and alpha in the metadata. Resolves to the list of tensor names.
 */
export async function saveLoRA(model: Module, path: string, opts: SaveLoRAOptions = {}): Promise<string[]> {
  const layers = loraLayers(model);
  if (layers.length === 0) throw new Error('saveLoRA: the model has no LoRA adapters (replaceLinearWithLoRA adds them)');
  const sd = model.stateDict();
  const tensors: Record<string, Tensor> = {};
  for (const [name, layer] of layers) {
    tensors[`${name}.lora.A`] = layer.lora.A;
    tensors[`${name}.lora.B`] = layer.lora.B;
  }
  for (const name of opts.extra ?? []) {
    if (!sd[name]) throw new Error(`saveLoRA: extra parameter "${name}" is not in the model (it has e.g. ${Object.keys(sd).slice(0, 5).join(', ')})`);
    tensors[name] = sd[name];
  }
  const adapters = Object.fromEntries(layers.map(([name, l]) => [name, { rank: l.lora.rank, alpha: l.lora.alpha }]));
  await writeTensors(path, tensors, { ...opts.metadata, format: LORA_FORMAT, adapters: JSON.stringify(adapters), extra: JSON.stringify(opts.extra ?? []) });
  return Object.keys(tensors);
}

/**
 * Loads adapters saved by saveLoRA into a model of the same architecture: layers that have no
 * adapter yet get one (with the saved rank and alpha; the model is frozen first unless freeze is
 * false), then A, B and the extra parameters are copied in.
 */
export async function loadLoRA(model: Module, path: string, opts: { freeze?: boolean } = {}): Promise<string[]> {
  const meta = await readMetadata(path);
  if (meta.format !== LORA_FORMAT || !meta.adapters) throw new Error(`loadLoRA: ${path} is not a LoRA adapter file (metadata format ${JSON.stringify(meta.format)}, expected "${LORA_FORMAT}")`);
  const adapters = JSON.parse(meta.adapters) as Record<string, { rank: number; alpha: number }>;
  const have = new Map(loraLayers(model));
  const missing = Object.keys(adapters).filter((n) => !have.has(n));
  let frozen = false;
  for (const name of missing) {
    const { rank, alpha } = adapters[name];
    const added = replaceLinearWithLoRA(model, rank, alpha, { include: (n) => n === name, freeze: (opts.freeze ?? true) && !frozen });
    frozen = true;
    if (added.length !== 1) throw new Error(`loadLoRA: ${path} has an adapter for "${name}", which is not a Linear layer of the model`);
  }
  for (const [name, layer] of loraLayers(model)) {
    const want = adapters[name];
    if (want && (layer.lora.rank !== want.rank || layer.lora.alpha !== want.alpha)) {
      throw new Error(`loadLoRA: "${name}" has rank ${layer.lora.rank}, alpha ${layer.lora.alpha} in the model, rank ${want.rank}, alpha ${want.alpha} in ${path}`);
    }
  }
  const sd = model.stateDict();
  const names = [...Object.keys(adapters).flatMap((n) => [`${n}.lora.A`, `${n}.lora.B`]), ...(JSON.parse(meta.extra ?? '[]') as string[])];
  const targets: Record<string, Tensor> = {};
  for (const n of names) {
    if (!sd[n]) throw new Error(`loadLoRA: ${path} holds "${n}", which the model does not have`);
    targets[n] = sd[n];
  }
  await loadTensorsInto(path, targets, 'loadLoRA');
  return names;
}
