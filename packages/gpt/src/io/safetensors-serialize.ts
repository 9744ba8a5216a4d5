// Building a safetensors header from tensors, and the whole file as one buffer (for browsers and
// small files; writeSafetensors streams to disk instead). Browser-safe.

import { assertLittleEndian, WRITABLE_DTYPES, type TensorRecord } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** A tensor to write: F32 with a Float32Array, I32 with an Int32Array, U8 with a Uint8Array. */
export type WritableTensor = TensorRecord;

export interface SerializedLayout {
  /** The 8-byte length prefix followed by the JSON header, padded with spaces to a multiple of 8. */
  head: Uint8Array;
  /** Tensor names in the order of their data. */
  order: string[];
  /** Total file size in bytes. */
  byteLength: number;
}

const DATA_CTOR = { F32: Float32Array, I32: Int32Array, U8: Uint8Array } as const;

/**
 * Validates the tensors and lays out the file: keys in code-unit order (the order Python's sorted()
 * gives), `__metadata__` first when given, so the same tensors always give the same bytes.
 */
export function layoutSafetensors(
  tensors: Record<string, WritableTensor>,
  metadata: Record<string, string> | undefined,
  source: string,
): SerializedLayout {
  const order = Object.keys(tensors).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assertLittleEndian(source);
  // Entries are joined by hand: a JS object would move integer-like keys ("0") to the front.
  const entries: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(source, `metadata "${k}" must be a string, got ${typeof v}`);
    }
    entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const key of order) {
    const t = tensors[key];
    checkTensor(key, t, source);
    const entry = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    entries.push(`${JSON.stringify(key)}:${JSON.stringify(entry)}`);
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { head, order, byteLength: head.byteLength + offset };
}

function checkTensor(key: string, t: WritableTensor, source: string): void {
  const fail = (msg: string): never => {
    throw new SafetensorsError(source, msg, key);
  };
  if (key === '' || key === '__metadata__') fail('is not a valid tensor name');
  if (!t || typeof t !== 'object') fail('must be { dtype, shape, data }');
  if (!(WRITABLE_DTYPES as readonly string[]).includes(t.dtype)) {
    fail(`cannot write dtype ${JSON.stringify(t.dtype)} (writable: ${WRITABLE_DTYPES.join(', ')})`);
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape must be an array of non-negative integers, got ${JSON.stringify(t.shape)}`);
  }
  const ctor = DATA_CTOR[t.dtype];
  if (!(t.data instanceof ctor)) fail(`dtype ${t.dtype} needs a ${ctor.name}, got ${t.data?.constructor?.name ?? typeof t.data}`);
  const numel = t.shape.reduce((a, d) => a * d, 1);
  if (t.data.length !== numel) fail(`shape [${t.shape}] has ${numel} elements but data has ${t.data.length}`);
}

/** The raw little-endian bytes of a tensor's data (a view, no copy). */
export function tensorBytes(t: WritableTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** The whole safetensors file as one buffer. */
export function serializeSafetensors(tensors: Record<string, WritableTensor>, metadata?: Record<string, string>): Uint8Array {
  const layout = layoutSafetensors(tensors, metadata, '<buffer>');
  const out = new Uint8Array(layout.byteLength);
  out.set(layout.head, 0);
  let offset = layout.head.byteLength;
  for (const key of layout.order) {
    const bytes = tensorBytes(tensors[key]);
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out;
}
