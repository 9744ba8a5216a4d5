// Where a fine-tuning starts: GPT-2 weights (a Hugging Face folder, or a name downloaded to the
// cache), a Llama / SmolLM2 / Qwen3 folder or name (Hugging Face's layout, with its tokenizer.json),
// a model saved by @llm/gpt's saveModel (a folder or a .safetensors file, as @llm/train's
// pretraining demo writes), or a @llm/train Trainer checkpoint (a folder with checkpoint.json, or
// a checkpoints folder with latest.json) whose config records the GPT config.
import { type GPTConfig, GPTModel, type LlamaModel, pretrainedModelNames, resolvePretrainedModel, validateConfig } from '@llm/gpt';
import { defaultCacheDir, loadPretrained } from '@llm/gpt/node';
import { fromHFTokenizerJson, loadEncoding, type Encoding } from '@llm/tokenizer';
import { type Json } from '@llm/train';
import { loadCheckpoint, resolveCheckpointDir } from '@llm/train/node';

export type ModelSource = string | GPTModel | LlamaModel;

async function isCheckpoint(path: string): Promise<boolean> {
  try {
    await resolveCheckpointDir(path);
    return true;
  } catch {
    return false;
  }
}

const CONFIG_FIELDS = ['vocabSize', 'contextLength', 'embDim', 'nHeads', 'nLayers', 'dropRate', 'qkvBias'] as const;

function configFromMeta(meta: Record<string, Json>, path: string): GPTConfig {
  const c = meta.config as Record<string, Json> | null;
  if (!c || typeof c !== 'object' || CONFIG_FIELDS.some((f) => !(f in c))) {
    throw new Error(`loadBaseModel: the checkpoint ${path} does not record a GPT config (its meta.config needs ${CONFIG_FIELDS.join(', ')}); pass the Trainer a config: { ...modelConfig }`);
  }
  return validateConfig(Object.fromEntries(CONFIG_FIELDS.map((f) => [f, c[f]])) as unknown as GPTConfig);
}

/**
 * The tokenizer a model was trained with when it is not GPT-2's: a tokenizer.json (saveEncoding's
 * format, as @llm/train's pretraining demo writes beside the model) in the model's folder, or in
 * a folder above a checkpoints/step-N folder. Undefined when there is none (use GPT-2's).
 */
export async function findTokenizer(source: string): Promise<{ tokenizer: Encoding; path: string } | undefined> {
  const { readFile, stat } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const isDir = await stat(source).then((s) => s.isDirectory(), () => undefined);
  if (isDir === undefined) return undefined; // a GPT-2 name
  let dir = isDir ? source : dirname(source);
  for (let up = 0; up < 3; up++) {
    const path = join(dir, 'tokenizer.json');
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      try {
        return { tokenizer: loadEncoding(text), path };
      } catch (e) {
        throw new Error(`findTokenizer: ${path} is not a tokenizer saved by saveEncoding: ${(e as Error).message}`);
      }
    }
    if (!/^(checkpoints|step-\d+)$/.test(basename(dir))) break;
    dir = dirname(dir);
  }
  return undefined;
}

/** A GPTModel or LlamaModel from any of the sources above (a model passes through). */
export async function loadBaseModel(source: ModelSource): Promise<GPTModel | LlamaModel> {
  if (typeof source !== 'string') return source;
  if (!(await isCheckpoint(source))) return loadPretrained(source);
  const ckpt = await loadCheckpoint(source);
  try {
    const config = configFromMeta(ckpt.meta, source);
    const model = new GPTModel(config, { init: 'none', tieWeights: !('outHead.weight' in ckpt.model) });
    model.loadStateDict(ckpt.model);
    return model.eval();
  } finally {
    for (const t of Object.values(ckpt.model)) t.dispose();
    for (const s of Object.values(ckpt.optimizer?.state ?? {})) for (const v of Object.values(s)) if (typeof v !== 'number') v.dispose();
  }
}

/** The Hugging Face folder of a Llama / Qwen3 source (a folder, a weights file in one, or a known name in the cache), if it is one. */
export async function llamaFolderOf(source: string): Promise<string | undefined> {
  const { readFile, stat } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  let dir: string;
  const info = await stat(source).catch(() => undefined);
  if (info) dir = info.isDirectory() ? source : dirname(source);
  else if (pretrainedModelNames().some((n) => n.toLowerCase() === source.toLowerCase())) dir = join(await defaultCacheDir(), resolvePretrainedModel(source).name);
  else return undefined;
  const text = await readFile(join(dir, 'config.json'), 'utf8').catch(() => undefined);
  const type = text === undefined ? undefined : (JSON.parse(text) as { model_type?: unknown }).model_type;
  return type === 'llama' || type === 'qwen3' ? dir : undefined;
}

/** A Llama / Qwen3 model's tokenizer: the Hugging Face tokenizer.json in its folder. */
export async function hfTokenizerIn(dir: string): Promise<Encoding> {
  const { readFile } = await import('node:fs/promises');
  const { basename, join } = await import('node:path');
  const path = join(dir, 'tokenizer.json');
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`findTokenizer: ${dir} has no tokenizer.json (a Llama / Qwen3 model needs its Hugging Face tokenizer)`);
  try {
    return fromHFTokenizerJson(text, { name: basename(dir) });
  } catch (e) {
    throw new Error(`findTokenizer: ${path}: ${(e as Error).message}`);
  }
}
