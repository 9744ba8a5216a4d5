// Writing a GPTModel: our checkpoint (saveModel: our names, the config in the file's metadata and
// in a config.json beside it) or Hugging Face's GPT-2 layout (exportHuggingFace), which
// transformers' GPT2LMHeadModel.from_pretrained and our loadPretrained both read.
import { cat, noGrad, type Tensor, tidy, zeros } from '@llm/tensor';
import { gptConfigToHFConfig } from '../io/hf-config.js';
import { nodeModules } from '../io/node.js';
import { writeSafetensors } from '../io/safetensors-file.js';
import type { WritableTensor } from '../io/safetensors-serialize.js';
import type { GPTModel } from '../model/gpt-model.js';
import { writeJsonAtomic } from './files.js';
import { hfLayout } from './hf-layout.js';
import { CHECKPOINT_FORMAT } from './our-layout.js';
import { LlamaModel } from '../llama/model.js';
import { exportLlamaHuggingFace } from './export-llama.js';

export interface SaveModelOptions {
  /** Extra string entries for the safetensors metadata (e.g. what a fine-tuned head means). */
  metadata?: Record<string, string>;
}

/**
 * Saves the weights and config. `path` is a folder (written: model.safetensors + config.json) or a
 * file ending in .safetensors (the config goes in its metadata only). A tied head is stored once.
 * Writes are atomic. Resolves to the weights file's path.
 */
export async function saveModel(model: GPTModel | LlamaModel, path: string, opts: SaveModelOptions = {}): Promise<string> {
  const { path: nodePath } = await nodeModules();
  if (model instanceof LlamaModel) {
    // Hugging Face's layout is a Llama's own: a folder that transformers and loadPretrained both read
    if (path.endsWith('.safetensors')) throw new Error(`saveModel: a ${model.constructor.name} is saved to a folder (config.json + model.safetensors), not to the file ${path}`);
    await exportLlamaHuggingFace(model, path, { metadata: opts.metadata });
    return nodePath.join(path, 'model.safetensors');
  }
  const isFile = path.endsWith('.safetensors');
  const weightsPath = isFile ? path : nodePath.join(path, 'model.safetensors');
  const tied = model.weightsTied;
  const tensors: Record<string, WritableTensor> = {};
  for (const [name, p] of Object.entries(model.stateDict())) {
    if (tied && name === 'outHead.weight') continue;
    tensors[name] = await record(p);
  }
  const config = { ...model.config };
  await writeSafetensors(weightsPath, tensors, { ...opts.metadata, format: CHECKPOINT_FORMAT, config: JSON.stringify(config), tiedHead: String(tied) });
  if (!isFile) await writeJsonAtomic(nodePath.join(path, 'config.json'), { format: CHECKPOINT_FORMAT, ...config });
  return weightsPath;
}

/**
 * Writes `dir`/config.json and `dir`/model.safetensors in Hugging Face's GPT-2 layout. A model
 * without qkv biases gets zero biases (GPT-2 always has them), which changes no output; an untied
 * head is written as lm_head.weight with tie_word_embeddings false.
 */
export async function exportHuggingFace(model: GPTModel | LlamaModel, dir: string): Promise<void> {
  if (model instanceof LlamaModel) return exportLlamaHuggingFace(model, dir);
  const { path: nodePath } = await nodeModules();
  const { config } = model;
  const head = model.outHead.weight;
  if (head.shape[0] !== config.vocabSize || head.shape[1] !== config.embDim || model.outHead.bias) {
    throw new Error(`exportHuggingFace: the output head is Linear(${model.outHead.inFeatures}, ${model.outHead.outFeatures}${model.outHead.bias ? ', bias' : ''}); GPT-2's layout needs a bias-free [${config.vocabSize}, ${config.embDim}] vocabulary head`);
  }
  const tied = model.weightsTied;
  const params = model.stateDict();
  const tensors: Record<string, WritableTensor> = {};
  for (const spec of hfLayout(config, { lmHead: !tied })) {
    const joined = noGrad(() => tidy(() => {
      const parts = spec.targets.map((t) => params[t] ?? zeros([spec.shape[spec.shape.length - 1] / spec.targets.length])); // absent: qkv biases
      const fileParts = parts.map((p) => (spec.conv1d ? p.T : p));
      return fileParts.length > 1 ? cat(fileParts, -1) : fileParts[0].contiguous();
    }));
    tensors[spec.key] = await record(joined);
    if (!Object.values(params).includes(joined)) joined.dispose();
  }
  const hf = { ...gptConfigToHFConfig({ ...config, qkvBias: true }), ...(tied ? {} : { tie_word_embeddings: false }) };
  await writeSafetensors(nodePath.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  await writeJsonAtomic(nodePath.join(dir, 'config.json'), hf);
}

async function record(t: Tensor): Promise<WritableTensor> {
  return { dtype: 'F32', shape: [...t.shape], data: (await t.data()) as Float32Array };
}
