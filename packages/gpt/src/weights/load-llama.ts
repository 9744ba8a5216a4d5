// Loading a Llama / Qwen3 model from a Hugging Face folder (config.json + model.safetensors, or
// shards + model.safetensors.index.json). The config is mapped first, then every tensor's name,
// shape and dtype (F32, F16 or BF16) is checked against it, all problems at once and each naming
// its file, before any data is read; then tensors are read and converted one at a time, so the
// load holds the model plus one tensor. Node only.
import { assign, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { SafetensorsError } from '../io/errors.js';
import { nodeModules } from '../io/node.js';
import { type LlamaConfig } from '../llama/config.js';
import { hfConfigToLlamaConfig } from '../llama/hf-config.js';
import { LLAMA_HF_IGNORED, llamaHfLayout } from '../llama/hf-layout.js';
import { createLlamaModel, type LlamaModel } from '../llama/model.js';
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { exists, readJson } from './files.js';
import type { HFTensorSpec } from './hf-layout.js';

const LOADABLE = ['F32', 'F16', 'BF16'];

/** config.json's model_type when it names a Llama-family model, else null (GPT-2, ours, or no config). */
export async function llamaModelType(dir: string): Promise<'llama' | 'qwen3' | null> {
  const { path } = await nodeModules();
  const configPath = path.join(dir, 'config.json');
  if ((await exists(configPath)) !== 'file') return null;
  const type = ((await readJson(configPath)) as { model_type?: unknown } | null)?.model_type;
  return type === 'llama' || type === 'qwen3' ? type : null;
}

/** Reads and maps dir/config.json; errors name the file and the field. */
export async function readLlamaConfig(dir: string): Promise<LlamaConfig> {
  const { path } = await nodeModules();
  const configPath = path.join(dir, 'config.json');
  try {
    return hfConfigToLlamaConfig(await readJson(configPath));
  } catch (e) {
    throw new Error(`${configPath}: ${(e as Error).message}`);
  }
}

/** A LlamaModel (or Qwen3Model), in eval mode, from a Hugging Face folder. */
export async function loadLlamaFolder(dir: string): Promise<LlamaModel> {
  const config = await readLlamaConfig(dir);
  const checkpoint = await openCheckpoint(dir);
  try {
    const plan = llamaHfLayout(config);
    // a tied checkpoint may still carry lm_head.weight (a copy of the embedding); Hugging Face ignores it too
    checkTensors(checkpoint, plan, config, (k) => LLAMA_HF_IGNORED.test(k) || (config.tieWeights && k === 'lm_head.weight'));
    const model = createLlamaModel(config, { init: 'none' });
    try {
      const params = model.stateDict();
      for (const spec of plan) await loadTensor(checkpoint, spec, params);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model.eval();
  } finally {
    await checkpoint.close();
  }
}

/** All problems at once: unexpected, missing, mis-shaped and non-float tensors, each with its file. */
export function checkTensors(checkpoint: Checkpoint, plan: readonly HFTensorSpec[], config: LlamaConfig, ignored: (key: string) => boolean): void {
  const wanted = new Set(plan.map((s) => s.key));
  // the most telling first: wrong shapes and dtypes, then strangers, then what is missing
  const wrong: string[] = [], unexpected: string[] = [], missing: string[] = [];
  const where = (key: string) => (checkpoint.files.length > 1 ? ` (in ${checkpoint.fileOf(key)})` : '');
  for (const key of checkpoint.keys()) if (!wanted.has(key) && !ignored(key)) unexpected.push(`unexpected tensor "${key}"${where(key)}`);
  for (const spec of plan) {
    if (!checkpoint.has(spec.key)) {
      missing.push(`missing tensor "${spec.key}" [${spec.shape.join(', ')}]`);
      continue;
    }
    const info = checkpoint.info(spec.key);
    if (info.shape.join() !== spec.shape.join()) wrong.push(`tensor "${spec.key}"${where(spec.key)} has shape [${info.shape.join(', ')}], config.json needs [${spec.shape.join(', ')}]`);
    else if (!LOADABLE.includes(info.dtype)) wrong.push(`tensor "${spec.key}"${where(spec.key)} is ${info.dtype}; expected ${LOADABLE.join(', ')}`);
  }
  const problems = [...wrong, ...unexpected, ...missing];
  if (problems.length) {
    const shown = problems.slice(0, 12).join('; ') + (problems.length > 12 ? `; ... (${problems.length} problems)` : '');
    const { modelType, embDim, nLayers, nHeads, nKVHeads, headDim, vocabSize } = config;
    throw new SafetensorsError(checkpoint.path, `does not fit its config.json (${modelType}: ${JSON.stringify({ vocabSize, embDim, nLayers, nHeads, nKVHeads, headDim })}): ${shown}`);
  }
}

async function loadTensor(checkpoint: Checkpoint, spec: HFTensorSpec, params: Record<string, Tensor>): Promise<void> {
  const record = await checkpoint.read(spec.key);
  if (record.dtype !== 'F32') throw new SafetensorsError(checkpoint.fileOf(spec.key), `expected float data, got ${record.sourceDtype}`, spec.key);
  const target = params[spec.targets[0]];
  noGrad(() => tidy(() => assign(target, tensor(record.data, { shape: record.shape, backend: target.backend }))));
}
