// Opening files from a model folder that may not be trustworthy (Node). Only regular files are
// read: a FIFO, socket or device in place of model.safetensors or config.json would otherwise
// block the open (a FIFO waits for a writer forever) or stream without end. The file is opened
// non-blocking and checked with fstat on the same handle, so it cannot be swapped in between.
import type { FileHandle } from 'node:fs/promises';
import { nodeModules } from './node.js';

/** Opens `path` for reading if it is a regular file (symlinks are followed); otherwise throws an error naming it. */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const { fs } = await nodeModules();
  const { constants } = await import('node:fs');
  // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer
  const flags = constants.O_NONBLOCK === undefined ? 'r' : constants.O_RDONLY | constants.O_NONBLOCK;
  let handle: FileHandle;
  try {
    handle = await fs.open(path, flags);
  } catch (e) {
    throw new Error(`${path}: cannot open: ${(e as Error).message}`);
  }
  const stat = await handle.stat().catch(async (e) => {
    await handle.close();
    throw new Error(`${path}: cannot stat: ${(e as Error).message}`);
  });
  if (!stat.isFile()) {
    await handle.close();
    throw new Error(`${path}: not a regular file (${kindOf(stat)}); a model folder may hold only regular files`);
  }
  return { handle, size: stat.size };
}

/** The text of a regular file of at most maxBytes bytes. */
export async function readRegularFile(path: string, maxBytes = 64 * 1024 * 1024): Promise<string> {
  const { handle, size } = await openRegularFile(path);
  try {
    if (size > maxBytes) throw new Error(`${path}: ${size} bytes, larger than the ${maxBytes}-byte limit for this file`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function kindOf(s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a file';
}
