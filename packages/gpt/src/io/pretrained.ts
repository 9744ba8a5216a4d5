// OpenAI's GPT-2 checkpoints on the Hugging Face Hub: names, aliases, URLs and the cache folder.
// Browser-safe (the default cache folder needs Node and is resolved in download-pretrained.ts).

import { UnknownModelError } from './errors.js';

export interface PretrainedModel {
  /** Hugging Face name, also the cache sub-folder: "gpt2", "gpt2-medium", ... */
  name: string;
  /** The size the book calls it by. */
  size: '124M' | '355M' | '774M' | '1558M';
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
];

/** The files a download fetches, in order (the small config first: it fails fast when offline). */
export const PRETRAINED_FILES = ['config.json', 'model.safetensors'] as const;

export const DEFAULT_BASE_URL = 'https://huggingface.co';

/** Every accepted spelling: the Hub name, the size, "gpt2-small", the repo id; case does not matter. */
export function pretrainedModelNames(): string[] {
  return [...PRETRAINED_MODELS.flatMap((m) => [m.name, m.size]), 'gpt2-small'];
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
