// Downloading a known checkpoint (GPT-2, SmolLM2, Llama 3.2, Qwen3) from the Hugging Face Hub into
// a cache folder (Node): <cacheDir>/<name>/config.json, model.safetensors and, for the Llama and
// Qwen3 models, their tokenizer files, ready for loadPretrained().

import { ConfigError, DownloadError } from './errors.js';
import { hfConfigToGPTConfig, type GPTConfig, type HFGPT2Config } from './hf-config.js';
import type { LlamaConfig } from '../llama/config.js';
import { hfConfigToLlamaConfig } from '../llama/hf-config.js';
import { downloadFile, type DownloadedFile } from './http-download.js';
import type { FetchLike } from './http.js';
import { nodeModules } from './node.js';
import { DEFAULT_BASE_URL, PRETRAINED_FILES, pretrainedFileUrl, resolvePretrainedModel, type PretrainedModel } from './pretrained.js';
import { terminalProgress, type ProgressCallback } from './progress.js';

export interface DownloadPretrainedOptions {
  /** Default: $LLM_CACHE_DIR, else ~/.cache/llm. */
  cacheDir?: string;
  /** Default: https://huggingface.co (a mirror with the same /<repo>/resolve/main/<file> layout works). */
  baseUrl?: string;
  /** Progress reports; default: a bar on stderr (plain lines when it is not a terminal); false: silent. */
  onProgress?: ProgressCallback | false;
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Expected sha256 of model.safetensors; otherwise the one the Hub states (X-Linked-Etag) is checked. */
  sha256?: string;
  /** Retries per file after network errors, each resuming the partial file (default 3). */
  retries?: number;
  retryDelayMs?: number;
}

export interface PretrainedFiles {
  model: PretrainedModel;
  dir: string;
  configPath: string;
  weightsPath: string;
  /** config.json as the Hub has it, and mapped to the book's names (a LlamaConfig for Llama / Qwen3 models). */
  hfConfig: HFGPT2Config;
  config: GPTConfig | LlamaConfig;
  files: DownloadedFile[];
}

/** $LLM_CACHE_DIR, else ~/.cache/llm. */
export async function defaultCacheDir(): Promise<string> {
  const { os, path } = await nodeModules();
  const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LLM_CACHE_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(os.homedir(), '.cache', 'llm');
}

/**
 * Downloads (or finds in the cache) config.json and model.safetensors of a GPT-2 model:
 * "gpt2" | "gpt2-medium" | "gpt2-large" | "gpt2-xl", or "124M" | "355M" | "774M" | "1558M"; or
 * config.json, tokenizer.json, tokenizer_config.json and model.safetensors of "smollm2-135m",
 * "smollm2-360m", "llama-3.2-1b" (each also "-instruct") or "qwen3-0.6b".
 */
export async function downloadPretrained(modelName: string, opts: DownloadPretrainedOptions = {}): Promise<PretrainedFiles> {
  const model = resolvePretrainedModel(modelName);
  const { fs, path } = await nodeModules();
  const dir = path.join(opts.cacheDir ?? (await defaultCacheDir()), model.name);
  await fs.mkdir(dir, { recursive: true });
  const baseUrl = opts.baseUrl ?? DEFAULT_BASE_URL;
  const fileNames = model.files ?? PRETRAINED_FILES;
  const urls = fileNames.map((f) => pretrainedFileUrl(model, f, baseUrl));
  const onProgress = opts.onProgress === false ? undefined : (opts.onProgress ?? terminalProgress());

  const files: DownloadedFile[] = [];
  for (const [i, file] of fileNames.entries()) {
    try {
      files.push(
        await downloadFile(urls[i], path.join(dir, file), {
          fetch: opts.fetch,
          signal: opts.signal,
          onProgress,
          sha256: file === 'model.safetensors' ? opts.sha256 : undefined,
          retries: opts.retries,
          retryDelayMs: opts.retryDelayMs,
        }),
      );
    } catch (e) {
      if (!(e instanceof DownloadError) || (e.kind !== 'network' && e.kind !== 'http')) throw e;
      const byHand = `— download the files by hand into ${dir}:\n  ${urls.join('\n  ')}`;
      throw new DownloadError(`${e.message} ${byHand}`, e.kind, e.url, {
        cause: e,
        retryable: e.retryable,
      });
    }
  }

  const configPath = path.join(dir, 'config.json');
  let hfConfig: HFGPT2Config;
  let config: GPTConfig | LlamaConfig;
  const text = await fs.readFile(configPath, 'utf8');
  try {
    hfConfig = JSON.parse(text) as HFGPT2Config;
  } catch (e) {
    throw new Error(`${configPath} is not valid JSON (${(e as Error).message}); delete it to download it again`);
  }
  try {
    config = model.architecture === 'llama' || model.architecture === 'qwen3' ? hfConfigToLlamaConfig(hfConfig) : hfConfigToGPTConfig(hfConfig);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.field, `${e.detail} (in ${configPath})`);
    throw e;
  }
  return { model, dir, configPath, weightsPath: path.join(dir, 'model.safetensors'), hfConfig, config, files };
}
