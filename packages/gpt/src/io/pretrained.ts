// The checkpoints on the Hugging Face Hub that we know by name (OpenAI's GPT-2, SmolLM2, Llama 3.2,
// Qwen3): names, aliases, files, URLs and the cache folder.
// Browser-safe (the default cache folder needs Node and is resolved in download-pretrained.ts).

import { UnknownModelError } from './errors.js';

export interface PretrainedModel {
  /** Hugging Face name, also the cache sub-folder: "gpt2", "gpt2-medium", ... */
  name: string;
  /** The size the book calls it by (GPT-2), else the name. */
  size: string;
  /** config.json's model_type: which model class loadPretrained builds. */
  architecture?: 'gpt2' | 'llama' | 'qwen3';
  /** The files a download fetches, in order (default PRETRAINED_FILES). */
  files?: readonly string[];
  /** Hub repository. */
  repo: string;
  embDim: number;
  nLayers: number;
  nHeads: number;
}

export const PRETRAINED_MODELS: readonly PretrainedModel[] = [
  { name: 'gpt2', size: '124M', repo: 'openai-community/gpt2', embDim: 768, nLayers: 12, nHeads: 12 },
  { name: 'gpt2-medium', size: '355M', repo: 'openai-community/gpt2-medium', embDim: 1024, nLayers: 24, nHeads: 16 },
  { name: 'gpt2-large', size: '774M', repo: 'openai-community/gpt2-large', embDim: 1280, nLayers: 36, nHeads: 20 },
  { name: 'gpt2-xl', size: '1558M', repo: 'openai-community/gpt2-xl', embDim: 1600, nLayers: 48, nHeads: 25 },
  ...hfModels(),
];

/** Llama-architecture and Qwen3 checkpoints (one model.safetensors each) with their tokenizer files. */
function hfModels(): PretrainedModel[] {
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'] as const;
  const entry = (name: string, repo: string, architecture: 'llama' | 'qwen3', embDim: number, nLayers: number, nHeads: number): PretrainedModel =>
    ({ name, size: name, repo, architecture, files, embDim, nLayers, nHeads });
  const both = (name: string, repo: string, architecture: 'llama' | 'qwen3', embDim: number, nLayers: number, nHeads: number) =>
    [entry(name, repo, architecture, embDim, nLayers, nHeads), entry(`${name}-instruct`, `${repo}-Instruct`, architecture, embDim, nLayers, nHeads)];
  return [
    ...both('smollm2-135m', 'HuggingFaceTB/SmolLM2-135M', 'llama', 576, 30, 9),
    ...both('smollm2-360m', 'HuggingFaceTB/SmolLM2-360M', 'llama', 960, 32, 15),
    ...both('llama-3.2-1b', 'meta-llama/Llama-3.2-1B', 'llama', 2048, 16, 32), // gated: needs an accepted licence on the Hub
    entry('qwen3-0.6b', 'Qwen/Qwen3-0.6B', 'qwen3', 1024, 28, 16), // one model for base and chat (thinking on/off)
  ];
}

/** The files a download fetches, in order (the small config first: it fails fast when offline). */
export const PRETRAINED_FILES = ['config.json', 'model.safetensors'] as const;

export const DEFAULT_BASE_URL = 'https://huggingface.co';

/** Every accepted spelling: the Hub name, the size, "gpt2-small", the repo id; case does not matter. */
export function pretrainedModelNames(): string[] {
  return [...new Set([...PRETRAINED_MODELS.flatMap((m) => [m.name, m.size]), 'gpt2-small'])];
}

export function resolvePretrainedModel(name: string): PretrainedModel {
  const wanted = String(name).trim().toLowerCase();
  const found = PRETRAINED_MODELS.find(
    (m) =>
      m.name === wanted ||
      m.size.toLowerCase() === wanted ||
      m.repo.toLowerCase() === wanted ||
      (m.name === 'gpt2' && wanted === 'gpt2-small'),
  );
  if (!found) throw new UnknownModelError(String(name), pretrainedModelNames());
  return found;
}

/** `${baseUrl}/${repo}/resolve/main/${file}` */
export function pretrainedFileUrl(model: PretrainedModel, file: string, baseUrl = DEFAULT_BASE_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${model.repo}/resolve/main/${file}`;
}
