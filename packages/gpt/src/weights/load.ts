// Loading a model from disk: a Hugging Face GPT-2 folder (config.json + model.safetensors, as
// downloadPretrained leaves it), one of our own checkpoints (saveModel), or a Hugging Face Llama /
// Qwen3 folder (config.json's model_type "llama" or "qwen3": load-llama.ts). Every name and shape is
// checked against the config before any data is read; then tensors are read one at a time, so
// loading holds the model plus one tensor, never the whole file twice.
import { assign, getBackend, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { validateConfig } from '../config.js';
import { defaultCacheDir, downloadPretrained, type DownloadPretrainedOptions } from '../io/download-pretrained.js';
import { SafetensorsError } from '../io/errors.js';
import { type GPTConfig, hfConfigToGPTConfig } from '../io/hf-config.js';
import { nodeModules } from '../io/node.js';
import { pretrainedModelNames, resolvePretrainedModel } from '../io/pretrained.js';
import { openSafetensors, type SafetensorsFile } from '../io/safetensors-file.js';
import { GPTModel } from '../model/gpt-model.js';
import { exists, readJson } from './files.js';
import { HF_IGNORED, hfLayout, type HFTensorSpec } from './hf-layout.js';
import { CHECKPOINT_FORMAT, ourLayout } from './our-layout.js';
import type { LlamaModel } from '../llama/model.js';
import { llamaModelType, loadLlamaFolder } from './load-llama.js';

/** What loadPretrained returns: GPTModel for GPT-2 and our checkpoints, LlamaModel / Qwen3Model for Hugging Face's Llama and Qwen3 folders. */
export type PretrainedLanguageModel = GPTModel | LlamaModel;


export interface LoadPretrainedOptions {
  /** For a model name ('gpt2', '124M', ...) not yet in the cache: download it (with these options) instead of failing. */
  download?: boolean | DownloadPretrainedOptions;
}

/**
 * A model, in eval mode, from `source`: a folder with config.json + model.safetensors (Hugging
 * Face's GPT-2 layout, or ours), one of our .safetensors files, a Hugging Face Llama / Qwen3
 * folder (model_type "llama" or "qwen3"; F32, F16 or BF16; sharded or not), or a known name
 * ('gpt2', '124M', 'smollm2-135m', 'qwen3-0.6b', ...) already downloaded to the cache by downloadPretrained.
 */
export async function loadPretrained(source: string, opts: LoadPretrainedOptions = {}): Promise<PretrainedLanguageModel> {
  const llamaDir = await llamaFolderOf(source, opts);
  if (llamaDir) return loadLlamaFolder(llamaDir);
  return loadGPT(source, opts);
}

/** The folder of a Llama / Qwen3 checkpoint that source names (a folder, a weights file in it, or a known model in the cache), else null. */
async function llamaFolderOf(source: string, opts: LoadPretrainedOptions): Promise<string | null> {
  const { path } = await nodeModules();
  const kind = await exists(source);
  if (kind === 'dir') return (await llamaModelType(source)) ? source : null;
  if (kind === 'file') return source.endsWith('.safetensors') && (await llamaModelType(path.dirname(source))) ? path.dirname(source) : null;
  if (!pretrainedModelNames().some((n) => n.toLowerCase() === source.toLowerCase())) return null;
  const model = resolvePretrainedModel(source);
  if (model.architecture !== 'llama' && model.architecture !== 'qwen3') return null;
  const downloadOpts = typeof opts.download === 'object' ? opts.download : {};
  const dir = path.join(downloadOpts.cacheDir ?? (await defaultCacheDir()), model.name);
  const missing = [];
  for (const f of model.files ?? []) if ((await exists(path.join(dir, f))) !== 'file') missing.push(f);
  if (missing.length) {
    if (!opts.download) throw new Error(`loadPretrained: ${model.name} is not in the cache (${dir} lacks ${missing.join(', ')}); download it first with downloadPretrained('${model.name}'), or pass { download: true }`);
    await downloadPretrained(model.name, downloadOpts);
  }
  return dir;
}

async function loadGPT(source: string, opts: LoadPretrainedOptions): Promise<GPTModel> {
  const { path } = await nodeModules();
  const { weightsPath, configPath } = await locate(source, opts);
  const file = await openSafetensors(weightsPath);
  try {
    const isOurs = file.metadata.format === CHECKPOINT_FORMAT || file.has('tokEmb.weight');
    const prefix = file.has('transformer.wte.weight') ? 'transformer.' : '';
    if (!isOurs && !file.has(`${prefix}wte.weight`)) {
      throw new SafetensorsError(weightsPath, 'is neither a Hugging Face GPT-2 checkpoint (no "wte.weight") nor one of ours (no "tokEmb.weight")');
    }
    const hf = isOurs ? undefined : await hfConfig(configPath ?? path.join(path.dirname(weightsPath), 'config.json'));
    const config = hf?.config ?? (await ourConfig(file, configPath));
    // Hugging Face ties the head to wte unless the config says tie_word_embeddings: false (an lm_head.weight in the file is then ignored)
    const tied = hf ? hf.tied : !file.has('outHead.weight');
    const plan = hf ? hfLayout(config, { lmHead: !tied }).map((s) => ({ ...s, key: prefix + s.key })) : ourLayout(config, tied);
    const ignored = hf ? (k: string) => HF_IGNORED.test(k.slice(prefix.length)) || (tied && k === 'lm_head.weight') : undefined;
    checkPlan(file, plan, config, ignored);

    const model = new GPTModel(config, { init: 'none', tieWeights: tied });
    try {
      const params = model.stateDict();
      for (const spec of plan) await loadTensor(file, spec, params);
    } catch (e) {
      model.dispose(); // GPU buffers are not garbage collected
      throw e;
    }
    return model.eval();
  } finally {
    await file.close();
  }
}

/** Loads a checkpoint written by saveModel (a .safetensors file or its folder); the same as loadPretrained. */
export function loadModel(path: string): Promise<PretrainedLanguageModel> {
  return loadPretrained(path);
}

async function locate(source: string, opts: LoadPretrainedOptions): Promise<{ weightsPath: string; configPath?: string }> {
  const { path } = await nodeModules();
  const kind = await exists(source);
  if (kind === 'file') {
    const beside = path.join(path.dirname(source), 'config.json');
    return { weightsPath: source, configPath: (await exists(beside)) === 'file' ? beside : undefined };
  }
  if (kind === 'dir') {
    const weightsPath = path.join(source, 'model.safetensors');
    if ((await exists(weightsPath)) !== 'file') throw new Error(`loadPretrained: ${source} has no model.safetensors`);
    const configPath = path.join(source, 'config.json');
    return { weightsPath, configPath: (await exists(configPath)) === 'file' ? configPath : undefined };
  }
  const known = pretrainedModelNames().map((n) => n.toLowerCase()).includes(source.toLowerCase());
  if (!known) throw new Error(`loadPretrained: no such file or folder: ${source} (nor a GPT-2 name: ${pretrainedModelNames().join(', ')})`);
  const model = resolvePretrainedModel(source);
  const downloadOpts = typeof opts.download === 'object' ? opts.download : {};
  const dir = path.join(downloadOpts.cacheDir ?? (await defaultCacheDir()), model.name);
  if ((await exists(path.join(dir, 'model.safetensors'))) !== 'file' || (await exists(path.join(dir, 'config.json'))) !== 'file') {
    if (!opts.download) {
      throw new Error(`loadPretrained: ${model.name} is not in the cache (${dir}); download it first with downloadPretrained('${model.name}'), or pass { download: true }`);
    }
    await downloadPretrained(model.name, downloadOpts);
  }
  return locate(dir, opts);
}

async function hfConfig(configPath: string): Promise<{ config: GPTConfig; tied: boolean }> {
  if ((await exists(configPath)) !== 'file') throw new Error(`loadPretrained: a Hugging Face checkpoint needs its config.json, not found at ${configPath}`);
  const json = await readJson(configPath);
  try {
    return { config: hfConfigToGPTConfig(json), tied: (json as { tie_word_embeddings?: unknown }).tie_word_embeddings !== false };
  } catch (e) {
    throw new Error(`${configPath}: ${(e as Error).message}`);
  }
}

/** Our config: in the file's metadata, else a config.json beside it (ours, or Hugging Face's). */
async function ourConfig(file: SafetensorsFile, configPath: string | undefined): Promise<GPTConfig> {
  let json: unknown;
  let where = file.path;
  if (file.metadata.config) {
    try {
      json = JSON.parse(file.metadata.config);
    } catch (e) {
      throw new SafetensorsError(file.path, `metadata "config" is not valid JSON (${(e as Error).message})`);
    }
  } else if (configPath) {
    json = await readJson(configPath);
    where = configPath;
  } else throw new SafetensorsError(file.path, 'has no config: neither a "config" metadata entry nor a config.json beside it');
  try {
    const c = json as Record<string, unknown>;
    return 'embDim' in c ? validateConfig(pick(c)) : hfConfigToGPTConfig(c);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

function pick(c: Record<string, unknown>): GPTConfig {
  const { vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias } = c as unknown as GPTConfig;
  return { vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias };
}

/** All problems at once: unexpected, missing and mis-shaped tensors, each named. */
function checkPlan(file: SafetensorsFile, plan: HFTensorSpec[], config: GPTConfig, ignored: (key: string) => boolean = () => false): void {
  const wanted = new Map(plan.map((s) => [s.key, s]));
  const problems: string[] = [];
  for (const key of file.keys()) {
    if (!wanted.has(key) && !ignored(key)) problems.push(`unexpected tensor "${key}"`);
  }
  for (const spec of plan) {
    if (!file.has(spec.key)) {
      problems.push(`missing tensor "${spec.key}" [${spec.shape.join(', ')}]`);
      continue;
    }
    const info = file.info(spec.key);
    if (info.shape.join() !== spec.shape.join()) problems.push(`tensor "${spec.key}" has shape [${info.shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`);
    else if (!['F32', 'F16', 'BF16'].includes(info.dtype)) problems.push(`tensor "${spec.key}" is ${info.dtype}, expected a float type`);
  }
  if (problems.length) {
    const shown = problems.slice(0, 12).join('; ') + (problems.length > 12 ? `; ... (${problems.length} problems)` : '');
    throw new SafetensorsError(file.path, `does not fit the config ${JSON.stringify(config)}: ${shown}`);
  }
}

async function loadTensor(file: SafetensorsFile, spec: HFTensorSpec, params: Record<string, Tensor>): Promise<void> {
  const record = await file.read(spec.key);
  if (record.dtype !== 'F32') throw new SafetensorsError(file.path, `expected float data, got ${record.sourceDtype}`, spec.key);
  noGrad(() => tidy(() => {
    const t = tensor(record.data, { shape: record.shape, backend: params[spec.targets[0]]?.backend ?? getBackend() });
    const parts = spec.targets.length > 1 ? t.chunk(spec.targets.length, -1) : [t];
    parts.forEach((part, i) => assign(params[spec.targets[i]], spec.conv1d ? part.T : part));
  }));
}
