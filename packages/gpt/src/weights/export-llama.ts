// Writing a LlamaModel in Hugging Face's layout (config.json + model.safetensors, or shards with
// model.safetensors.index.json when maxShardBytes is given), float32, which transformers'
// LlamaForCausalLM / Qwen3ForCausalLM and our loadPretrained both read. Node only.
import type { Tensor } from '@llm/tensor';
import { nodeModules } from '../io/node.js';
import { writeSafetensors } from '../io/safetensors-file.js';
import type { WritableTensor } from '../io/safetensors-serialize.js';
import { llamaConfigToHFConfig } from '../llama/hf-config.js';
import { llamaHfLayout } from '../llama/hf-layout.js';
import type { LlamaModel } from '../llama/model.js';
import { INDEX_FILE } from './checkpoint.js';
import { writeJsonAtomic } from './files.js';

export interface ExportLlamaOptions {
  /** Split the weights into shards of at most about this many bytes (default: one file). */
  maxShardBytes?: number;
  /** Extra string entries for the safetensors metadata. */
  metadata?: Record<string, string>;
}

export async function exportLlamaHuggingFace(model: LlamaModel, dir: string, opts: ExportLlamaOptions = {}): Promise<void> {
  const { path, fs } = await nodeModules();
  const params = model.stateDict();
  const plan = llamaHfLayout({ ...model.config, tieWeights: model.weightsTied });
  // shards: consecutive tensors up to maxShardBytes each
  const groups: (typeof plan)[] = [[]];
  let bytes = 0;
  for (const spec of plan) {
    const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
    if (opts.maxShardBytes && bytes > 0 && bytes + size > opts.maxShardBytes) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1].push(spec);
    bytes += size;
  }
  await fs.mkdir(dir, { recursive: true });
  const metadata = { ...opts.metadata, format: 'pt' };
  const weightMap: Record<string, string> = {};
  for (const [i, group] of groups.entries()) {
    const name = groups.length === 1 ? 'model.safetensors' : `model-${pad(i + 1)}-of-${pad(groups.length)}.safetensors`;
    const tensors: Record<string, WritableTensor> = {};
    for (const spec of group) {
      tensors[spec.key] = await record(params[spec.targets[0]]);
      weightMap[spec.key] = name;
    }
    await writeSafetensors(path.join(dir, name), tensors, metadata);
  }
  if (groups.length > 1) {
    const totalSize = plan.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
    await writeJsonAtomic(path.join(dir, INDEX_FILE), { metadata: { total_size: totalSize }, weight_map: weightMap });
  }
  await writeJsonAtomic(path.join(dir, 'config.json'), { ...llamaConfigToHFConfig({ ...model.config, tieWeights: model.weightsTied }) });
}

const pad = (n: number) => String(n).padStart(5, '0');

async function record(t: Tensor): Promise<WritableTensor> {
  return { dtype: 'F32', shape: [...t.shape], data: (await t.contiguous().data()) as Float32Array };
}
