// Safetensors dtypes and the conversion of raw little-endian tensor bytes into JS typed arrays.
// Browser-safe: no Node imports.

import { SafetensorsError } from './errors.js';

/** Bytes per element of every dtype the safetensors format defines (so offsets can be checked for all). */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** Dtypes we can read; F16/BF16 widen to F32, I64 narrows to I32 (when every value fits). */
export const READABLE_DTYPES = ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8'] as const;
export type ReadableDtype = (typeof READABLE_DTYPES)[number];

/** Dtypes we write. */
export const WRITABLE_DTYPES = ['F32', 'I32', 'U8'] as const;

/** A tensor as plain data: row-major `data` whose type matches `dtype`. */
export type TensorRecord =
  | { dtype: 'F32'; shape: number[]; data: Float32Array }
  | { dtype: 'I32'; shape: number[]; data: Int32Array }
  | { dtype: 'U8'; shape: number[]; data: Uint8Array };

export type TensorDtype = TensorRecord['dtype'];

/** A tensor read from a file: `dtype` describes `data`, `sourceDtype` what the file stored (F16 → F32...). */
export type LoadedTensor = TensorRecord & { sourceDtype: ReadableDtype };

export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

export function isReadableDtype(s: string): s is ReadableDtype {
  return (READABLE_DTYPES as readonly string[]).includes(s);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Safetensors data is little-endian and we move it as typed-array views, so the host must be too. */
export function assertLittleEndian(source: string, key?: string): void {
  if (!littleEndian) throw new SafetensorsError(source, 'big-endian hosts are not supported', key);
}

/** float16 bits → float32 value (exact: every half is a float). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

let halfTable: Float32Array | undefined;

/** All 65,536 halves as floats (256 KiB, built on first use): one lookup per element. */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** A typed-array view of `bytes`, copied into a fresh buffer first when the offset is not aligned. */
function view<T>(bytes: Uint8Array, ctor: { new (b: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number }): T {
  const aligned = bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / ctor.BYTES_PER_ELEMENT);
}

/**
 * Turns one tensor's raw bytes into a record. F32/I32/U8 data is a view of `bytes` when it is aligned
 * (no copy), F16/BF16/I64 data is always a new array.
 */
export function decodeTensor(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  shape: number[],
  source: string,
  key: string,
): LoadedTensor {
  assertLittleEndian(source, key);
  switch (dtype) {
    case 'F32':
      return { dtype: 'F32', shape, data: view(bytes, Float32Array), sourceDtype: 'F32' };
    case 'I32':
      return { dtype: 'I32', shape, data: view(bytes, Int32Array), sourceDtype: 'I32' };
    case 'U8':
      return { dtype: 'U8', shape, data: bytes, sourceDtype: 'U8' };
    case 'F16': {
      const src = view(bytes, Uint16Array);
      const table = halfToFloatTable();
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
      return { dtype: 'F32', shape, data: out, sourceDtype: 'F16' };
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const src = view(bytes, Uint16Array);
      const out = new Float32Array(src.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
      return { dtype: 'F32', shape, data: out, sourceDtype: 'BF16' };
    }
    case 'I64': {
      // (low, high) word pairs; a value fits in int32 exactly when high is low's sign extension.
      const words = view(bytes, Int32Array);
      const out = new Int32Array(words.length / 2);
      for (let i = 0; i < out.length; i++) {
        const lo = words[2 * i];
        const hi = words[2 * i + 1];
        if (hi !== lo >> 31) {
          const value = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
          throw new SafetensorsError(source, `I64 value ${value} at index ${i} does not fit in int32`, key);
        }
        out[i] = lo;
      }
      return { dtype: 'I32', shape, data: out, sourceDtype: 'I64' };
    }
    default:
      throw new SafetensorsError(source, `dtype ${dtype} is not supported (supported: ${READABLE_DTYPES.join(', ')})`, key);
  }
}
