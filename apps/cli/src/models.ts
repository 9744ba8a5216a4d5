// Finding a model for generate, chat, serve and classify: a folder or .safetensors file of ours, a
// Hugging Face GPT-2, Llama (SmolLM2) or Qwen3 folder, a fine-tuning run's folder, or a known name
// (gpt2, smollm2-135m, qwen3-0.6b, ...) downloaded into the cache by `llm download`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatTokenizer } from '@llm/gpt';
import type { PretrainedLanguageModel } from '@llm/gpt/node';
import type { Encoding } from '@llm/tokenizer';
import { CliError } from './errors.js';

/** Where `llm pretrain --demo` leaves its model; the default --model. */
export const DEFAULT_MODEL = 'runs/pretrain-demo';

/**
 * The path (or cached GPT-2 name) to load for `source`: a run folder whose model sits in a
 * sub-folder (`llm finetune instruct` writes <out>/model, classify <out>/classifier) resolves to it.
 */
export async function resolveModelSource(source: string, subfolders: string[] = ['model']): Promise<string> {
  if (existsSync(source)) {
    if (existsSync(join(source, 'model.safetensors')) || source.endsWith('.safetensors')) return source;
    for (const sub of subfolders) if (existsSync(join(source, sub, 'model.safetensors'))) return join(source, sub);
    return source; // the loader names what is missing
  }
  if (source === DEFAULT_MODEL) {
    throw new CliError(`no model at ${DEFAULT_MODEL}: run 'llm pretrain --demo' first, or pass --model DIR (a trained model folder) or a GPT-2 name from 'llm download'`);
  }
  const { pretrainedModelNames, resolvePretrainedModel } = await import('@llm/gpt');
  const { defaultCacheDir } = await import('@llm/gpt/node');
  if (!pretrainedModelNames().some((n) => n.toLowerCase() === source.toLowerCase())) {
    throw new CliError(`no such model folder or file: ${source} (nor a GPT-2 name: ${pretrainedModelNames().join(', ')})`);
  }
  const { name, architecture } = resolvePretrainedModel(source);
  const dir = join(await defaultCacheDir(), name);
  if (!existsSync(join(dir, 'model.safetensors'))) {
    throw new CliError(`${name} is not downloaded yet: run 'llm download ${name}' first`);
  }
  // a Llama-family model's tokenizer files sit beside its weights in the cache folder
  return architecture === 'llama' || architecture === 'qwen3' ? dir : source;
}

export async function loadModelFrom(source: string): Promise<PretrainedLanguageModel> {
  return (await loadModelAndTokenizer(source)).model;
}

/**
 * The model and its tokenizer: the vocabulary saved beside the weights (tokenizer.json, as
 * `llm pretrain --demo` writes its trained BPE, or a Llama / Qwen3 model's Hugging Face
 * tokenizer.json), else GPT-2's.
 */
export interface LoadedModel {
  model: PretrainedLanguageModel;
  tokenizer: Encoding;
  path: string;
  /** Ids a plain prompt starts with (Llama 3's <|begin_of_text|>, from its tokenizer.json's post-processor). */
  prefixIds: number[];
  /** A Llama / Qwen3 model's chat template and special tokens (tokenizer_config.json), for @llm/gpt's chatPrompt. */
  chat?: ChatTokenizer;
}

export async function loadModelAndTokenizer(source: string): Promise<LoadedModel> {
  const { loadPretrained } = await import('@llm/gpt/node');
  const path = await resolveModelSource(source);
  let model: PretrainedLanguageModel;
  try {
    model = await loadPretrained(path);
  } catch (e) {
    // loadPretrained's messages name the file; drop the function name for the command line
    throw new CliError((e as Error).message.replace(/^loadPretrained: /, ''));
  }
  const { LlamaModel } = await import('@llm/gpt');
  if (model instanceof LlamaModel) {
    const { encoding: tokenizer, prefixIds, chat } = await hfTokenizerBeside(path);
    // Qwen3 and Llama 3 pad their embedding past the tokenizer's last id
    if (tokenizer.nVocab > model.config.vocabSize) throw new CliError(`${path}: the tokenizer has ${tokenizer.nVocab} tokens, more than the model's vocabulary of ${model.config.vocabSize}`);
    return { model, tokenizer, path, prefixIds, chat };
  }
  const tokenizer = await tokenizerBeside(path);
  if (tokenizer.nVocab !== model.config.vocabSize) {
    throw new CliError(`${path}: the model has a vocabulary of ${model.config.vocabSize} tokens, its tokenizer (${tokenizer.name}) ${tokenizer.nVocab}`);
  }
  return { model, tokenizer, path, prefixIds: [] };
}

/** The tokenizer of a model (its tokenizer.json, else GPT-2's), without loading the weights. */
export async function tokenizerFor(source: string): Promise<Encoding> {
  const path = await resolveModelSource(source);
  return (await isLlamaFolder(path)) ? (await hfTokenizerBeside(path)).encoding : tokenizerBeside(path);
}

/** Whether path (a folder, or a weights file in one) holds a Hugging Face Llama / Qwen3 model. */
export async function isLlamaFolder(path: string): Promise<boolean> {
  const { dirname } = await import('node:path');
  const { readRegularFile } = await import('@llm/gpt/node');
  const dir = path.endsWith('.safetensors') ? dirname(path) : path;
  // not a regular file (a FIFO would block): not a Llama folder; the loader then names the problem
  const text = await readRegularFile(join(dir, 'config.json')).catch(() => undefined);
  if (text === undefined) return false;
  try {
    const type = (JSON.parse(text) as { model_type?: unknown }).model_type;
    return type === 'llama' || type === 'qwen3';
  } catch {
    return false;
  }
}

/**
 * A Llama / Qwen3 model's own tokenizer: the Hugging Face tokenizer.json beside its config.json (with the
 * ids its post-processor puts before a text), and tokenizer_config.json's chat template when there is one.
 */
async function hfTokenizerBeside(modelPath: string): Promise<{ encoding: Encoding; prefixIds: number[]; chat?: ChatTokenizer }> {
  const { basename, dirname } = await import('node:path');
  const { readRegularFile } = await import('@llm/gpt/node');
  const read = async (file: string) => (existsSync(file) ? readRegularFile(file).catch((e: Error) => { throw new CliError(e.message); }) : undefined);
  const dir = modelPath.endsWith('.safetensors') ? dirname(modelPath) : modelPath;
  const file = join(dir, 'tokenizer.json');
  const text = await read(file);
  if (text === undefined) throw new CliError(`${dir} has no tokenizer.json: a Llama / Qwen3 model needs its Hugging Face tokenizer (llm download fetches it)`);
  const { loadHFTokenizerJson, parseTokenizerConfig } = await import('@llm/tokenizer');
  const named = (e: unknown, where: string) => new CliError((e as Error).message.startsWith(where) ? (e as Error).message : `${where}: ${(e as Error).message}`);
  let loaded;
  try {
    loaded = loadHFTokenizerJson(text, { name: basename(dir), where: file });
  } catch (e) {
    throw named(e, file);
  }
  const configFile = join(dir, 'tokenizer_config.json');
  const configText = await read(configFile);
  let chat: ChatTokenizer | undefined;
  if (configText !== undefined) {
    let config;
    try {
      config = parseTokenizerConfig(configText, configFile);
    } catch (e) {
      throw named(e, configFile);
    }
    if (config.chatTemplate !== undefined) chat = { encoding: loaded.encoding, chatTemplate: config.chatTemplate, bosToken: config.bosToken, eosToken: config.eosToken, file };
  }
  return { encoding: loaded.encoding, prefixIds: loaded.prefixIds, chat };
}

/** The tokenizer.json (in @llm/tokenizer's format) beside a model's weights, if it has one. */
export async function ownVocabulary(modelPath: string): Promise<{ file: string; json: unknown } | undefined> {
  const { dirname } = await import('node:path');
  const file = join(modelPath.endsWith('.safetensors') ? dirname(modelPath) : modelPath, 'tokenizer.json');
  if (!existsSync(file)) return undefined;
  const { readRegularFile } = await import('@llm/gpt/node');
  const text = await readRegularFile(file).catch((e: Error) => { throw new CliError(e.message); });
  let json: { format?: unknown; model?: unknown };
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliError(`${file}: must be a JSON object (a tokenizer), got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  const { encodingFormat } = await import('@llm/tokenizer');
  if (json.format === encodingFormat) return { file, json };
  // a Hugging Face tokenizer.json beside GPT-2's weights is GPT-2's own vocabulary
  if (json.format === undefined && typeof json.model === 'object' && json.model !== null) return undefined;
  throw new CliError(`${file}: neither @llm/tokenizer's format ('format': ${JSON.stringify(encodingFormat)}, got ${JSON.stringify(json.format)}) nor a Hugging Face tokenizer (no 'model' object)`);
}

async function tokenizerBeside(modelPath: string): Promise<Encoding> {
  const own = await ownVocabulary(modelPath);
  if (!own) return gpt2Tokenizer();
  const { loadEncoding } = await import('@llm/tokenizer');
  try {
    return loadEncoding(own.json as Parameters<typeof loadEncoding>[0]);
  } catch (e) {
    throw new CliError(`${own.file}: ${(e as Error).message}`);
  }
}

/** GPT-2's tokenizer (vocabulary 50,257). */
export async function gpt2Tokenizer(): Promise<Encoding> {
  const { getEncoding } = await import('@llm/tokenizer');
  return getEncoding('gpt2');
}

/** A short name for a model source: 'gpt2', 'pretrain-demo', 'finetune-instruct'. */
export function modelNameOf(source: string): string {
  const parts = source.replace(/\\/g, '/').replace(/\/+$/, '').split('/');
  const last = parts[parts.length - 1].replace(/\.safetensors$/, '');
  return ['model', 'classifier'].includes(last) && parts.length > 1 ? parts[parts.length - 2] : last;
}
