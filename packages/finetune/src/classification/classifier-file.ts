// A TextClassifier on disk (Node): model.safetensors with the config and labels in its metadata,
// classifier.json beside it, and tokenizer.json when the tokenizer is not GPT-2's.
import { join } from 'node:path';
import { type GPTConfig, GPTModel } from '@llm/gpt';
import { saveModel } from '@llm/gpt/node';
import { Linear } from '@llm/nn';
import { writeFileAtomic } from '@llm/train/node';
import { findTokenizer } from '../common/base-model.js';
import { saveTokenizerBeside } from '../common/run.js';
import type { FinetuneTokenizer } from '../common/tokenizer.js';
import { loadTensorsInto, readMetadata } from '../common/weights.js';
import { TextClassifier } from './text-classifier.js';

/**
 * Saves `classifier` to `dir`; returns the path of model.safetensors.
 * A model with LoRA adapters must be merged first (mergeLoRA).
 */
export async function saveClassifier(classifier: TextClassifier, dir: string): Promise<string> {
  const names = Object.keys(classifier.model.stateDict());
  if (names.some((n) => n.includes('.lora.'))) throw new Error('saveClassifier: the model has LoRA adapters; call mergeLoRA(model) first (or save the adapters with saveLoRA)');
  const info = { task: 'classification', labels: [...classifier.labels], maxLength: classifier.maxLength, padTokenId: classifier.padTokenId };
  const path = await saveModel(classifier.model, join(dir, 'model.safetensors'), { metadata: { classifier: JSON.stringify(info) } });
  await writeFileAtomic(join(dir, 'classifier.json'), `${JSON.stringify({ ...info, config: classifier.model.config }, null, 2)}\n`);
  await saveTokenizerBeside(dir, classifier.tokenizer);
  return path;
}

/** A classifier saved by saveClassifier: `path` is its folder or its model.safetensors; a tokenizer.json beside it is used. */
export async function loadClassifier(path: string, opts: { tokenizer?: FinetuneTokenizer } = {}): Promise<TextClassifier> {
  const file = path.endsWith('.safetensors') ? path : join(path, 'model.safetensors');
  const meta = await readMetadata(file);
  if (!meta.classifier || !meta.config) throw new Error(`loadClassifier: ${file} is not a saved classifier (no "classifier" and "config" metadata)`);
  const info = JSON.parse(meta.classifier) as { labels: string[]; maxLength: number; padTokenId: number };
  const config = JSON.parse(meta.config) as GPTConfig;
  const model = new GPTModel(config, { init: 'none' });
  model.outHead.dispose();
  model.outHead = new Linear(config.embDim, info.labels.length, { init: 'none' });
  await loadTensorsInto(file, model.stateDict(), 'loadClassifier');
  model.eval();
  const tokenizer = opts.tokenizer ?? (await findTokenizer(file))?.tokenizer;
  return new TextClassifier(model, { labels: info.labels, maxLength: info.maxLength, padTokenId: info.padTokenId, tokenizer });
}
