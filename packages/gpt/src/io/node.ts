// Node built-ins, imported lazily: the browser-safe parts of this folder (parsing, serializing,
// config mapping) share an index with the file and HTTP code, and must not pull node:fs into a
// browser bundle just by being imported.
import type * as Fs from 'node:fs/promises';
import type * as Path from 'node:path';
import type * as Os from 'node:os';
import type * as Crypto from 'node:crypto';

export interface NodeModules {
  fs: typeof Fs;
  path: typeof Path;
  os: typeof Os;
  crypto: typeof Crypto;
}

let modules: Promise<NodeModules> | undefined;

export function nodeModules(): Promise<NodeModules> {
  modules ??= Promise.all([import('node:fs/promises'), import('node:path'), import('node:os'), import('node:crypto')]).then(
    ([fs, path, os, crypto]) => ({ fs, path, os, crypto }),
  );
  return modules;
}

/** A unique temporary path next to `path`, so the final rename stays on one file system. */
export function tempPathFor(path: string): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return `${path}.${pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
}
