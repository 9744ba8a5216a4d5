// Tensors to and from a safetensors file, through @llm/gpt's io (which streams tensor by tensor
// and writes atomically).
import { type WritableTensor } from '@llm/gpt';
import { openSafetensors, writeSafetensors } from '@llm/gpt/node';
import { fromTypedArray, type Tensor } from '@llm/tensor';

export async function writeTensorFile(path: string, tensors: Record<string, Tensor>): Promise<void> {
  const records: Record<string, WritableTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const data = await t.data();
    records[name] = data instanceof Float32Array ? { dtype: 'F32', shape: [...t.shape], data } : { dtype: 'I32', shape: [...t.shape], data: data as Int32Array };
  }
  await writeSafetensors(path, records);
}

/** Every tensor of the file, on the default backend; the caller disposes them. */
export async function readTensorFile(path: string): Promise<Record<string, Tensor>> {
  const file = await openSafetensors(path);
  try {
    const out: Record<string, Tensor> = {};
    for (const key of file.keys()) {
      const t = await file.read(key);
      if (t.dtype === 'U8') throw new Error(`readTensorFile: ${path}: tensor '${key}' is U8; checkpoints hold F32 and I32 tensors`);
      out[key] = fromTypedArray(t.data, t.shape);
    }
    return out;
  } finally {
    await file.close();
  }
}
