// Checkpoints in the browser: a model folder the user picks (ours, as the CLI's saveModel writes it
// with the trained vocabulary's tokenizer.json, or Hugging Face's GPT-2 layout, with or without its
// config.json) becomes a GPTModel and its tokenizer, and the current model becomes the same folder's
// files, which @llm/gpt's loadModel and `llm generate --model DIR` read in Node.
import { CHECKPOINT_FORMAT, type GPTConfig, GPTModel, hfConfigToGPTConfig, hfLayout, type HFTensorSpec, parseSafetensors, type SafetensorsBuffer, serializeSafetensors, validateConfig, type WritableTensor } from '@llm/gpt';
import { assign, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';
import { type Encoding, encodingFormat, fromHFTokenizerJson, getEncoding, loadEncoding } from '@llm/tokenizer';

/** A model folder's files by name: model.safetensors, config.json, tokenizer.json. */
export type FolderFiles = Record<string, Uint8Array>;

export interface LoadedFolder extends LoadedCheckpoint {
  tokenizer: Encoding;
  /** The tokenizer.json text, written back unchanged on export (absent: GPT-2's, which needs none). */
  tokenizerJson?: string;
}

/** The folder the CLI writes: model.safetensors (our layout), config.json and the vocabulary's tokenizer.json. */
export async function modelToFolder(model: GPTModel, tokenizerJson?: string): Promise<FolderFiles> {
  const utf8 = new TextEncoder();
  const files: FolderFiles = {
    'model.safetensors': await modelToSafetensors(model),
    'config.json': utf8.encode(`${JSON.stringify({ format: CHECKPOINT_FORMAT, ...model.config }, null, 2)}\n`),
  };
  if (tokenizerJson !== undefined) files['tokenizer.json'] = utf8.encode(tokenizerJson);
  return files;
}

/** A model and its tokenizer from a folder's files (`name` names the folder in errors). */
export function modelFromFolder(files: FolderFiles, name: string): LoadedFolder {
  const utf8 = new TextDecoder();
  const weights = files['model.safetensors'] ? 'model.safetensors' : Object.keys(files).find((f) => f.endsWith('.safetensors'));
  if (!weights) throw new Error(`${name}: no .safetensors file among ${Object.keys(files).join(', ') || 'no files'}`);
  const configJson = files['config.json'] ? utf8.decode(files['config.json']) : undefined;
  const loaded = modelFromSafetensors(files[weights], `${name}/${weights}`, configJson);
  try {
    const tokenizerJson = files['tokenizer.json'] ? utf8.decode(files['tokenizer.json']) : undefined;
    const tokenizer = tokenizerJson === undefined ? gpt2For(loaded.model, name) : parseTokenizer(tokenizerJson, `${name}/tokenizer.json`);
    if (tokenizer.nVocab > loaded.model.config.vocabSize) {
      throw new Error(`${name}: tokenizer.json has ${tokenizer.nVocab} tokens, more than the model's vocabulary of ${loaded.model.config.vocabSize}`);
    }
    return { ...loaded, tokenizer, tokenizerJson };
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
}

function gpt2For(model: GPTModel, name: string): Encoding {
  if (model.config.vocabSize < 50257) throw new Error(`${name}: has no tokenizer.json and its vocabulary (${model.config.vocabSize}) is not GPT-2's; pick the tokenizer.json saved with it`);
  return getEncoding('gpt2');
}

/** Our tokenizer.json (saveEncoding's format) or a Hugging Face one. */
function parseTokenizer(text: string, what: string): Encoding {
  try {
    const json = parseJson(text, what);
    return json.format === encodingFormat ? loadEncoding(text) : fromHFTokenizerJson(text, { name: what });
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(what) ? message : `${what}: ${message}`);
  }
}

/** Heads of the four GPT-2 sizes by embDim: Hugging Face files name no head count, only config.json does. */
const GPT2_HEADS: Record<number, number> = { 768: 12, 1024: 16, 1280: 20, 1600: 25 };
const HF_IGNORED = /^h\.\d+\.attn\.(masked_)?bias$/;

export interface LoadedCheckpoint {
  model: GPTModel;
  layout: 'ours' | 'huggingface';
}

/**
 * A model (eval mode, on the current backend) from safetensors bytes; `configJson`, the text of a
 * config.json, is needed only where the file itself does not say how many heads the model has.
 */
export function modelFromSafetensors(bytes: Uint8Array, fileName: string, configJson?: string): LoadedCheckpoint {
  const file = parseSafetensors(bytes, fileName);
  const extra = configJson === undefined ? undefined : parseJson(configJson, 'config.json');
  const isOurs = file.metadata.format === CHECKPOINT_FORMAT || file.has('tokEmb.weight');
  const prefix = file.has('transformer.wte.weight') ? 'transformer.' : '';
  if (!isOurs && !file.has(`${prefix}wte.weight`)) {
    throw new Error(`${fileName}: neither one of our checkpoints (no "tokEmb.weight") nor a Hugging Face GPT-2 one (no "wte.weight")`);
  }
  if (isOurs) {
    const config = ourConfig(file, fileName, extra);
    const tied = !file.has('outHead.weight');
    const model = new GPTModel(config, { init: 'none', tieWeights: tied });
    const plan = Object.entries(model.stateDict())
      .filter(([key]) => !(tied && key === 'outHead.weight'))
      .map(([key, p]): HFTensorSpec => ({ key, shape: [...p.shape], targets: [key], conv1d: false }));
    return { model: fill(model, file, fileName, plan, () => false), layout: 'ours' };
  }
  const config = extra ? hfConfigToGPTConfig(extra) : inferHFConfig(file, prefix, fileName);
  const tied = (extra as { tie_word_embeddings?: unknown } | undefined)?.tie_word_embeddings !== false;
  const plan = hfLayout(config, { lmHead: !tied }).map((s) => ({ ...s, key: prefix + s.key }));
  const ignored = (key: string) => HF_IGNORED.test(key.slice(prefix.length)) || (tied && key === 'lm_head.weight');
  const model = new GPTModel(config, { init: 'none', tieWeights: tied });
  return { model: fill(model, file, fileName, plan, ignored), layout: 'huggingface' };
}

/** Our checkpoint format (saveModel's): the state dict by name, the config in the metadata. */
export async function modelToSafetensors(model: GPTModel): Promise<Uint8Array> {
  const tied = model.weightsTied;
  const tensors: Record<string, WritableTensor> = {};
  for (const [name, p] of Object.entries(model.stateDict())) {
    if (tied && name === 'outHead.weight') continue;
    tensors[name] = { dtype: 'F32', shape: [...p.shape], data: (await p.data()) as Float32Array };
  }
  return serializeSafetensors(tensors, { format: CHECKPOINT_FORMAT, config: JSON.stringify(model.config), tiedHead: String(tied) });
}

function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

function pickConfig(c: Record<string, unknown>): GPTConfig {
  const { vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias } = c as unknown as GPTConfig;
  return validateConfig({ vocabSize, contextLength, embDim, nLayers, nHeads, dropRate, qkvBias });
}

function ourConfig(file: SafetensorsBuffer, fileName: string, extra: Record<string, unknown> | undefined): GPTConfig {
  if (file.metadata.config) return pickConfig(parseJson(file.metadata.config, `${fileName} metadata "config"`));
  if (extra) return 'embDim' in extra ? pickConfig(extra) : hfConfigToGPTConfig(extra);
  throw new Error(`${fileName}: has no "config" metadata entry; pick its config.json together with it`);
}

/** A Hugging Face GPT-2 config from the tensor shapes, for files that come without config.json. */
function inferHFConfig(file: SafetensorsBuffer, prefix: string, fileName: string): GPTConfig {
  const [vocabSize, embDim] = file.info(`${prefix}wte.weight`).shape;
  const [contextLength] = file.info(`${prefix}wpe.weight`).shape;
  let nLayers = 0;
  while (file.has(`${prefix}h.${nLayers}.ln_1.weight`)) nLayers++;
  const nHeads = GPT2_HEADS[embDim];
  if (!nHeads) throw new Error(`${fileName}: embDim ${embDim} is not a GPT-2 size, so the number of heads is unknown; pick its config.json together with it`);
  return validateConfig({ vocabSize, contextLength, embDim, nLayers, nHeads, dropRate: 0.1, qkvBias: true });
}

/** Checks every name and shape first (all problems at once), then copies tensor by tensor. */
function fill(model: GPTModel, file: SafetensorsBuffer, fileName: string, plan: HFTensorSpec[], ignored: (key: string) => boolean): GPTModel {
  const wanted = new Set(plan.map((s) => s.key));
  const problems = file.keys().filter((k) => !wanted.has(k) && !ignored(k)).map((k) => `unexpected tensor "${k}"`);
  for (const spec of plan) {
    if (!file.has(spec.key)) problems.push(`missing tensor "${spec.key}" [${spec.shape.join(', ')}]`);
    else if (file.info(spec.key).shape.join() !== spec.shape.join()) {
      problems.push(`tensor "${spec.key}" has shape [${file.info(spec.key).shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`);
    }
  }
  if (problems.length) {
    model.dispose();
    throw new Error(`${fileName}: does not fit the config ${JSON.stringify(model.config)}: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (${problems.length} problems)` : ''}`);
  }
  const params: Record<string, Tensor> = model.stateDict();
  try {
    for (const spec of plan) {
      const record = file.read(spec.key);
      if (record.dtype !== 'F32') throw new Error(`${fileName}: tensor "${spec.key}" is ${record.sourceDtype}, expected a float type`);
      noGrad(() => tidy(() => {
        const t = tensor(record.data, { shape: record.shape, backend: params[spec.targets[0]].backend });
        const parts = spec.targets.length > 1 ? t.chunk(spec.targets.length, -1) : [t];
        parts.forEach((part, i) => assign(params[spec.targets[i]], spec.conv1d ? part.T : part));
      }));
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model.eval();
}
