// File writes for metrics, plots and checkpoints. node:fs is imported lazily, so code that only
// trains (in a browser, say) never loads it.
import type * as FsPromises from 'node:fs/promises';

let fsPromise: Promise<typeof FsPromises> | undefined;
export const nodeFs = (): Promise<typeof FsPromises> => (fsPromise ??= import('node:fs/promises'));

/** Writes a file atomically: a temporary file in the same directory, then a rename over the target. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await nodeFs();
  const { dirname } = await import('node:path');
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`);
  }
}
