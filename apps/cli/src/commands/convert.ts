// llm convert: between our checkpoint layout and Hugging Face's GPT-2 layout (transformers reads it).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, flag, oneOf } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { loadModelFrom, ownVocabulary, resolveModelSource } from '../models.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: "convert a model between our checkpoint layout and Hugging Face's GPT-2 layout",
  args: '[options] FROM TO',
  description: [
    "FROM is a model folder or .safetensors file (either layout) or a GPT-2 name in the cache. TO is a folder; with",
    "--to hf it gets Hugging Face's config.json + model.safetensors (GPT2LMHeadModel.from_pretrained reads it), with",
    '--to ours our checkpoint (model.safetensors + config.json). By default the direction is away from the layout FROM has.',
    "A Llama, SmolLM2 or Qwen3 model (F32, F16 or BF16, sharded or not) is written in Hugging Face's layout as one float32",
    'model.safetensors, with its tokenizer files.',
  ].join('\n'),
  options: {
    to: { type: 'string', value: 'hf|ours', description: 'the layout to write', defaultText: 'the other one' },
    force: { type: 'boolean', description: 'overwrite a non-empty TO folder' },
  },
  examples: ['llm convert runs/pretrain-demo runs/pretrain-demo-hf', 'llm convert --to ours gpt2 runs/gpt2-ours', 'llm convert smollm2-135m-instruct runs/smollm2-f32'],
  async run({ values, positionals, io }) {
    if (values.to !== undefined) oneOf(values, 'to', ['hf', 'ours'] as const, 'hf');
    if (positionals.length !== 2) throw new UsageError(`expected FROM and TO, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'} (see: llm convert --help)`);
    const [from, to] = positionals;
    if (existsSync(to) && readdirSync(to).length && !flag(values, 'force')) {
      throw new UsageError(`${to} is not empty; pass --force to overwrite its model files, or choose another folder`);
    }
    if (to.endsWith('.safetensors')) throw new UsageError(`TO must be a folder (it gets model.safetensors and config.json), got ${to}`);
    const { CHECKPOINT_FORMAT } = await import('@llm/gpt');
    const { exportHuggingFace, openSafetensors, saveModel } = await import('@llm/gpt/node');
    const asked = values.to === undefined ? undefined : (values.to as 'hf' | 'ours');
    const target = asked ?? ((await isOurs(from, openSafetensors, CHECKPOINT_FORMAT)) ? 'hf' : 'ours');
    const model = await loadModelFrom(from);
    const { copyFile, mkdir } = await import('node:fs/promises');
    await mkdir(to, { recursive: true });
    const { LlamaModel } = await import('@llm/gpt');
    if (model instanceof LlamaModel) {
      const source = await resolveModelSource(from);
      const dir = source.endsWith('.safetensors') ? join(source, '..') : source;
      try {
        await exportHuggingFace(model, to);
      } catch (e) {
        throw new CliError(`could not write ${to}: ${(e as Error).message}`);
      }
      const copied = [];
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
        if (existsSync(join(dir, f))) {
          await copyFile(join(dir, f), join(to, f));
          copied.push(f);
        }
      }
      io.stdout.write(`Wrote ${to}/config.json, model.safetensors (float32)${copied.length ? `, ${copied.join(', ')}` : ''} in Hugging Face's ${model.config.modelType} layout (${model.config.nLayers} layers, embDim ${model.config.embDim}).\n`);
      return 0;
    }
    try {
      if (target === 'hf') await exportHuggingFace(model, to);
      else await saveModel(model, to);
    } catch (e) {
      throw new CliError(`could not write ${to}: ${(e as Error).message}`);
    }
    // a model with its own vocabulary keeps it
    const vocab = await ownVocabulary(await resolveModelSource(from));
    if (vocab) await copyFile(vocab.file, join(to, 'tokenizer.json'));
    io.stdout.write(`Wrote ${to}/model.safetensors${vocab ? `, ${to}/tokenizer.json` : ''} and ${to}/config.json in ${target === 'hf' ? "Hugging Face's GPT-2" : 'our'} layout (${model.config.nLayers} layers, embDim ${model.config.embDim}).\n`);
    return 0;
  },
};

async function isOurs(source: string, open: (p: string) => Promise<{ metadata: Record<string, string>; has(k: string): boolean; close(): Promise<void> }>, format: string): Promise<boolean> {
  const { statSync } = await import('node:fs');
  let file = source;
  try {
    if (statSync(source).isDirectory()) file = join(source, 'model.safetensors');
  } catch {
    return false; // a GPT-2 name in the cache: Hugging Face's layout
  }
  if (!existsSync(file)) return false; // loadModelFrom says what is missing
  const f = await open(file);
  try {
    return f.metadata.format === format || f.has('tokEmb.weight');
  } finally {
    await f.close();
  }
}
