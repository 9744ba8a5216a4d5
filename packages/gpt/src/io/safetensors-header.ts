// The safetensors layout: an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
// ({ "__metadata__": {string: string}, key: { dtype, shape, data_offsets: [begin, end] } }), then
// the data section; offsets are relative to its start. Every check that can be made without
// reading tensor data is made here, so a bad file fails when it is opened, not halfway through a load.
// Browser-safe.

import { DTYPE_BYTES, isSafetensorsDtype, type SafetensorsDtype } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** Where one tensor lives and what it is. `byteOffset` is from the start of the file. */
export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** Tensors in the order of their data offsets. */
  tensors: Map<string, TensorInfo>;
  /** Bytes before the data section: 8 + header length. */
  dataStart: number;
}

/** The JSON header may not be larger than this (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Tensors one file may hold (real checkpoints hold a few thousand per file). With the value limit
 * below, checked before JSON.parse, this bounds what parsing a hostile header can allocate: a
 * 99 MB header of tiny entries would otherwise be millions of objects (gigabytes), while strings
 * cost memory in proportion to the header's bytes.
 */
export const MAX_TENSORS = 65_536;
/** JSON values a header may hold: about a dozen per tensor entry, with room for metadata. */
export const MAX_HEADER_VALUES = 16 * MAX_TENSORS + 65_536;

/** Reads N from the first 8 bytes and checks it against the file size; returns N. */
export function readHeaderLength(first8: Uint8Array, fileByteLength: number, source: string): number {
  if (fileByteLength < 8 || first8.byteLength < 8) {
    throw new SafetensorsError(source, `file is ${fileByteLength} bytes, too short to be a safetensors file (needs at least 8)`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileByteLength - 8)) {
    throw new SafetensorsError(
      source,
      `header length ${n} goes beyond the end of the file (${fileByteLength} bytes); the file is truncated or not safetensors`,
    );
  }
  if (n > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(source, `header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  if (n < 2n) throw new SafetensorsError(source, `header length ${n} is too small for a JSON object`);
  return Number(n);
}

/** Parses and validates the JSON header; `fileByteLength` is the size of the whole file. */
export function parseHeader(headerBytes: Uint8Array, fileByteLength: number, source: string): SafetensorsHeader {
  const dataStart = 8 + headerBytes.byteLength;
  const dataLength = fileByteLength - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError(source, 'header is not valid UTF-8');
  }
  const values = countJsonValues(headerBytes);
  if (values > MAX_HEADER_VALUES) {
    throw new SafetensorsError(source, `header holds more than ${MAX_HEADER_VALUES} JSON values (${values}); a file may hold at most ${MAX_TENSORS} tensors`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(source, `header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) throw new SafetensorsError(source, 'header must be a JSON object');

  const count = Object.keys(json).length - (Object.hasOwn(json, '__metadata__') ? 1 : 0);
  if (count > MAX_TENSORS) throw new SafetensorsError(source, `header lists ${count} tensors, more than the limit of ${MAX_TENSORS} per file`);
  const metadata = parseMetadata(json.__metadata__, source);
  const entries: [string, TensorInfo][] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === '__metadata__') continue;
    entries.push([key, parseEntry(key, value, dataStart, dataLength, source)]);
  }
  entries.sort((a, b) => a[1].byteOffset - b[1].byteOffset || a[1].byteLength - b[1].byteLength);
  checkNoOverlap(entries, source);
  return { metadata, tensors: new Map(entries), dataStart };
}

function parseMetadata(raw: unknown, source: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw new SafetensorsError(source, '"__metadata__" must be an object of strings');
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new SafetensorsError(source, `"__metadata__.${k}" must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(raw as Record<string, string>) };
}

function parseEntry(key: string, raw: unknown, dataStart: number, dataLength: number, source: string): TensorInfo {
  const fail = (msg: string): never => {
    throw new SafetensorsError(source, msg, key);
  };
  if (!isPlainObject(raw)) return fail('entry must be an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isSafetensorsDtype(dtype)) {
    return fail(`unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return fail(`data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`data_offsets [${begin}, ${end}] end before they begin`);
  const numel = (shape as number[]).reduce((a, d) => a * d, 1);
  const expected = numel * DTYPE_BYTES[dtype];
  if (!Number.isSafeInteger(expected)) fail(`shape [${shape}] is too large`);
  if (end - begin !== expected) {
    fail(`data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} × [${shape}] needs ${expected}`);
  }
  if (end > dataLength) {
    fail(
      `data_offsets [${begin}, ${end}] go past the end of the data section (${dataLength} bytes); ` +
        'the file is truncated or the header is wrong',
    );
  }
  return { dtype, shape: [...(shape as number[])], byteOffset: dataStart + begin, byteLength: end - begin };
}

function checkNoOverlap(sorted: [string, TensorInfo][], source: string): void {
  let prev: [string, TensorInfo] | undefined;
  for (const entry of sorted) {
    const info = entry[1];
    if (info.byteLength === 0) continue;
    if (prev && info.byteOffset < prev[1].byteOffset + prev[1].byteLength) {
      throw new SafetensorsError(source, `data overlaps the data of tensor "${prev[0]}"`, entry[0]);
    }
    prev = entry;
  }
}

/** An upper bound on the values in JSON text: one more than the , : [ { outside strings. */
function countJsonValues(bytes: Uint8Array): number {
  let n = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x2c || b === 0x3a || b === 0x5b || b === 0x7b) n++;
  }
  return n;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The entry for `key`, or an error that lists some of the keys the file does have. */
export function lookupTensor(header: SafetensorsHeader, key: string, source: string): TensorInfo {
  const info = header.tensors.get(key);
  if (info) return info;
  const keys = [...header.tensors.keys()];
  const shown = keys.slice(0, 8).map((k) => `"${k}"`).join(', ');
  const more = keys.length > 8 ? `, ... (${keys.length} in all)` : '';
  throw new SafetensorsError(source, `no such tensor; the file has ${keys.length ? shown + more : 'no tensors'}`, key);
}
