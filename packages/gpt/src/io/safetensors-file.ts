// Safetensors files on disk (Node). Tensors are read one at a time at their offsets through a file
// handle, so loading gpt2-xl (6 GB) holds one tensor at a time, never the whole file; writes stream
// tensor by tensor into a temporary file that is renamed over the target when complete.

import type { FileHandle } from 'node:fs/promises';
import { decodeTensor, type LoadedTensor } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { nodeModules, tempPathFor } from './node.js';
import { openRegularFile } from './regular-file.js';
import { lookupTensor, parseHeader, readHeaderLength, type SafetensorsHeader, type TensorInfo } from './safetensors-header.js';
import { layoutSafetensors, tensorBytes, type WritableTensor } from './safetensors-serialize.js';

export interface SafetensorsFile {
  readonly path: string;
  readonly metadata: Record<string, string>;
  /** Tensor names in the order their data appears in the file. */
  keys(): string[];
  has(key: string): boolean;
  info(key: string): TensorInfo;
  /** Reads one tensor into a fresh, aligned buffer (F16/BF16 → F32, I64 → I32). */
  read(key: string): Promise<LoadedTensor>;
  close(): Promise<void>;
}

/** Opens a safetensors file (a regular file only) and validates its header; call close() when done. */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  let handle: FileHandle;
  let size: number;
  try {
    ({ handle, size } = await openRegularFile(path));
  } catch (e) {
    throw new SafetensorsError(path, (e as Error).message.replace(`${path}: `, ''));
  }
  let header: SafetensorsHeader;
  try {
    const first8 = await readExactly(handle, 0, Math.min(8, size), path);
    const headerLength = readHeaderLength(first8, size, path);
    header = parseHeader(await readExactly(handle, 8, headerLength, path), size, path);
  } catch (e) {
    await handle.close();
    throw e;
  }
  let closed = false;
  const info = (key: string) => lookupTensor(header, key, path);
  return {
    path,
    metadata: header.metadata,
    keys: () => [...header.tensors.keys()],
    has: (key) => header.tensors.has(key),
    info: (key) => ({ ...info(key), shape: [...info(key).shape] }),
    async read(key) {
      if (closed) throw new SafetensorsError(path, 'read after close()', key);
      const t = info(key);
      const bytes = await readExactly(handle, t.byteOffset, t.byteLength, path, key);
      return decodeTensor(bytes, t.dtype, [...t.shape], path, key);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** `length` bytes at `position` into a fresh buffer; a short file is an error that names the tensor. */
async function readExactly(handle: FileHandle, position: number, length: number, path: string, key?: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    // One read() is capped at 2 GiB; loop also covers short reads.
    const chunk = Math.min(length - done, 1 << 30);
    const { bytesRead } = await handle.read(out, done, chunk, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError(path, `file ended after ${position + done} bytes, expected ${position + length} (truncated?)`, key);
    }
    done += bytesRead;
  }
  return out;
}

/**
 * Writes tensors (F32, I32 or U8) as a safetensors file, atomically: keys in sorted order, the
 * header padded to 8 bytes, data streamed tensor by tensor into a temporary file next to `path`
 * that replaces `path` only once it is complete. Creates the parent folder if needed.
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, WritableTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const { fs, path: nodePath } = await nodeModules();
  const layout = layoutSafetensors(tensors, metadata, path);
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await writeAll(handle, layout.head);
      for (const key of layout.order) await writeAll(handle, tensorBytes(tensors[key]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    if (e instanceof SafetensorsError) throw e;
    throw new SafetensorsError(path, `could not write: ${(e as Error).message}`);
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.byteLength - done, 1 << 30));
    done += bytesWritten;
  }
}
