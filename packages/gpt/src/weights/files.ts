// Where a checkpoint's files are, and small atomic writes.
import { nodeModules, tempPathFor } from '../io/node.js';
import { readRegularFile } from '../io/regular-file.js';

/** Writes JSON to path through a temporary file renamed into place. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const { fs, path: nodePath } = await nodeModules();
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await fs.writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** A JSON file of a model folder: a regular file only (a FIFO would block), at most 64 MiB. */
export async function readJson(path: string): Promise<unknown> {
  const text = await readRegularFile(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export async function exists(path: string): Promise<'file' | 'dir' | null> {
  const { fs } = await nodeModules();
  try {
    const s = await fs.stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}
