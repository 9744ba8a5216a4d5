// The book's data preparation (section 6.2): balance the classes by undersampling, shuffle with a
// seed, split 70/10/20 into train/validation/test, and save each split as CSV (Label,Text).
import { writeFileAtomic } from '@llm/train';
import { sampleWithoutReplacement, shuffled } from '../common/shuffle.js';
import { parseCsv, toCsv } from './csv.js';
import type { LabeledText } from './types.js';

export interface Splits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/** The class names of rows, sorted ('ham' < 'spam', so ham is 0 and spam 1, as the book's mapping). */
export function labelNames(rows: readonly LabeledText[]): string[] {
  return [...new Set(rows.map((r) => r.label))].sort();
}

/** Every class undersampled (seeded) to the size of the smallest one; classes in labelNames order. */
export function createBalancedDataset(rows: readonly LabeledText[], opts: { seed?: number } = {}): LabeledText[] {
  const labels = labelNames(rows);
  if (labels.length < 2) throw new Error(`createBalancedDataset: need at least two classes, got ${JSON.stringify(labels)}`);
  const byClass = labels.map((l) => rows.filter((r) => r.label === l));
  const n = Math.min(...byClass.map((c) => c.length));
  return byClass.flatMap((c, i) => (c.length === n ? c : sampleWithoutReplacement(c, n, (opts.seed ?? 123) + i)));
}

/**
 * Shuffles (seeded) and splits as the book's random_split: the first floor(n·trainFrac) rows
 * train, the next floor(n·valFrac) validate, the rest test.
 */
export function randomSplit<T>(rows: readonly T[], opts: { trainFrac?: number; valFrac?: number; seed?: number } = {}): Splits<T> {
  const { trainFrac = 0.7, valFrac = 0.1, seed = 123 } = opts;
  if (!(trainFrac > 0 && valFrac >= 0 && trainFrac + valFrac <= 1)) throw new RangeError(`randomSplit: need trainFrac > 0, valFrac >= 0 and trainFrac + valFrac <= 1, got ${trainFrac} and ${valFrac}`);
  const all = shuffled(rows, seed);
  const trainEnd = Math.floor(all.length * trainFrac);
  const valEnd = trainEnd + Math.floor(all.length * valFrac);
  return { train: all.slice(0, trainEnd), validation: all.slice(trainEnd, valEnd), test: all.slice(valEnd) };
}

export const SPLIT_FILES = { train: 'train.csv', validation: 'validation.csv', test: 'test.csv' } as const;

/** Writes dir/{train,validation,test}.csv with columns Label (the class index in `labels`) and Text, atomically. */
export async function saveSplits(dir: string, splits: Splits<LabeledText>, labels: readonly string[]): Promise<string[]> {
  const { join } = await import('node:path');
  const paths: string[] = [];
  for (const [name, file] of Object.entries(SPLIT_FILES) as [keyof Splits<LabeledText>, string][]) {
    const rows = splits[name].map((r) => {
      const index = labels.indexOf(r.label);
      if (index < 0) throw new Error(`saveSplits: label ${JSON.stringify(r.label)} is not one of ${JSON.stringify(labels)}`);
      return { Label: index, Text: r.text };
    });
    const path = join(dir, file);
    await writeFileAtomic(path, toCsv(rows, ['Label', 'Text']));
    paths.push(path);
  }
  return paths;
}

/** Reads dir/{train,validation,test}.csv (Label,Text); numeric labels are indices into `labels`. */
export async function loadSplits(dir: string, labels: readonly string[]): Promise<Splits<LabeledText>> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const out = {} as Splits<LabeledText>;
  for (const [name, file] of Object.entries(SPLIT_FILES) as [keyof Splits<LabeledText>, string][]) {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8').catch((e: Error) => { throw new Error(`loadSplits: cannot read ${path}: ${e.message}`); });
    out[name] = parseCsv(text, path).map((r, i) => {
      if (r.Label === undefined || r.Text === undefined) throw new Error(`${path}: expected columns Label and Text`);
      const label = /^\d+$/.test(r.Label) ? labels[Number(r.Label)] : r.Label;
      if (label === undefined || !labels.includes(label)) throw new Error(`${path}: record ${i + 1} has label ${JSON.stringify(r.Label)}, not one of ${JSON.stringify(labels)} (or their indices)`);
      return { label, text: r.Text };
    });
  }
  return out;
}
