// Finding a model for generate, chat, serve and classify: a folder or .safetensors file of ours, a
// Hugging Face GPT-2 folder, a fine-tuning run's folder, or a GPT-2 name downloaded into the cache
// by `llm download`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GPTModel } from '@llm/gpt';
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
  const { name } = resolvePretrainedModel(source);
  if (!existsSync(join(await defaultCacheDir(), name, 'model.safetensors'))) {
    throw new CliError(`${name} is not downloaded yet: run 'llm download ${name}' first`);
  }
  return source;
}

export async function loadModelFrom(source: string): Promise<GPTModel> {
  return (await loadModelAndTokenizer(source)).model;
}

/**
 * The model and its tokenizer: the vocabulary saved beside the weights (tokenizer.json, as
 * `llm pretrain --demo` writes its trained BPE), else GPT-2's.
 */
export async function loadModelAndTokenizer(source: string): Promise<{ model: GPTModel; tokenizer: Encoding; path: string }> {
  const { loadPretrained } = await import('@llm/gpt/node');
  const path = await resolveModelSource(source);
  let model: GPTModel;
  try {
    model = await loadPretrained(path);
  } catch (e) {
    // loadPretrained's messages name the file; drop the function name for the command line
    throw new CliError((e as Error).message.replace(/^loadPretrained: /, ''));
  }
  const tokenizer = await tokenizerBeside(path);
  if (tokenizer.nVocab !== model.config.vocabSize) {
    throw new CliError(`${path}: the model has a vocabulary of ${model.config.vocabSize} tokens, its tokenizer (${tokenizer.name}) ${tokenizer.nVocab}`);
  }
  return { model, tokenizer, path };
}

/** The tokenizer of a model (its tokenizer.json, else GPT-2's), without loading the weights. */
export async function tokenizerFor(source: string): Promise<Encoding> {
  return tokenizerBeside(await resolveModelSource(source));
}

/** The tokenizer.json (in @llm/tokenizer's format) beside a model's weights, if it has one. */
export async function ownVocabulary(modelPath: string): Promise<{ file: string; json: unknown } | undefined> {
  const { dirname } = await import('node:path');
  const file = join(modelPath.endsWith('.safetensors') ? dirname(modelPath) : modelPath, 'tokenizer.json');
  if (!existsSync(file)) return undefined;
  const { readFile } = await import('node:fs/promises');
  let json: { format?: unknown };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const { encodingFormat } = await import('@llm/tokenizer');
  // a Hugging Face tokenizer.json beside GPT-2's weights is GPT-2's own vocabulary
  return json.format === encodingFormat ? { file, json } : undefined;
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
