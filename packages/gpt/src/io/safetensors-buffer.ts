// Reading safetensors from bytes already in memory (a fetch() in a browser, a test fixture).
// Browser-safe.

import { decodeTensor, type LoadedTensor } from './dtypes.js';
import { lookupTensor, parseHeader, readHeaderLength, type TensorInfo } from './safetensors-header.js';

export interface SafetensorsBuffer {
  readonly metadata: Record<string, string>;
  /** Tensor names in the order their data appears. */
  keys(): string[];
  has(key: string): boolean;
  info(key: string): TensorInfo;
  /** F32/I32/U8 data is a view of the input bytes when aligned (it shares their memory); others are copies. */
  read(key: string): LoadedTensor;
  readAll(): Record<string, LoadedTensor>;
}

/** Parses a whole safetensors file held in memory; `source` names it in error messages. */
export function parseSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsBuffer {
  const headerLength = readHeaderLength(bytes.subarray(0, 8), bytes.byteLength, source);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, source);
  const info = (key: string) => lookupTensor(header, key, source);
  const read = (key: string): LoadedTensor => {
    const t = info(key);
    return decodeTensor(bytes.subarray(t.byteOffset, t.byteOffset + t.byteLength), t.dtype, [...t.shape], source, key);
  };
  return {
    metadata: header.metadata,
    keys: () => [...header.tensors.keys()],
    has: (key) => header.tensors.has(key),
    info: (key) => ({ ...info(key), shape: [...info(key).shape] }),
    read,
    readAll: () => Object.fromEntries([...header.tensors.keys()].map((k) => [k, read(k)])),
  };
}
