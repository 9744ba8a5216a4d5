// Moving named tensors between a module and a safetensors file (through @llm/gpt's io), for
// what @llm/gpt's own loader does not know: classifier heads and LoRA adapters.
import { type WritableTensor } from '@llm/gpt';
import { openSafetensors, writeSafetensors } from '@llm/gpt/node';
import { assign, noGrad, type Tensor, tensor, tidy } from '@llm/tensor';

export async function tensorRecord(t: Tensor): Promise<WritableTensor> {
  return { dtype: 'F32', shape: [...t.shape], data: (await t.data()) as Float32Array };
}

/** Writes the named tensors (atomically) with string metadata. */
export async function writeTensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string>): Promise<void> {
  const records: Record<string, WritableTensor> = {};
  for (const [name, t] of Object.entries(tensors)) records[name] = await tensorRecord(t);
  await writeSafetensors(path, records, metadata);
}

/** The file's metadata, without reading any tensor. */
export async function readMetadata(path: string): Promise<Record<string, string>> {
  const file = await openSafetensors(path);
  try {
    return { ...file.metadata };
  } finally {
    await file.close();
  }
}

/**
 * Copies every tensor of the file into `targets` (name → live tensor), in place. Missing,
 * unexpected and mis-shaped tensors are reported together, before anything is copied.
 */
export async function loadTensorsInto(path: string, targets: Record<string, Tensor>, what: string): Promise<void> {
  const file = await openSafetensors(path);
  try {
    const problems: string[] = [];
    for (const key of file.keys()) if (!(key in targets)) problems.push(`unexpected tensor "${key}"`);
    for (const [key, t] of Object.entries(targets)) {
      if (!file.has(key)) problems.push(`missing tensor "${key}" [${t.shape.join(', ')}]`);
      else if (file.info(key).shape.join() !== t.shape.join()) problems.push(`tensor "${key}" is [${file.info(key).shape.join(', ')}] in the file, [${t.shape.join(', ')}] in the model`);
    }
    if (problems.length) throw new Error(`${what}: ${path} does not fit the model: ${problems.slice(0, 12).join('; ')}${problems.length > 12 ? `; ... (${problems.length} problems)` : ''}`);
    for (const [key, dst] of Object.entries(targets)) {
      const rec = await file.read(key);
      if (rec.dtype !== 'F32') throw new Error(`${what}: ${path}: tensor "${key}" is ${rec.sourceDtype}, expected a float type`);
      noGrad(() => tidy(() => { assign(dst, tensor(rec.data as Float32Array, { shape: rec.shape, backend: dst.backend })); }));
    }
  } finally {
    await file.close();
  }
}
