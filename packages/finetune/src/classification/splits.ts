// The book's data preparation (section 6.2): balance the classes by undersampling, shuffle with a
// seed, split 70/10/20 into train/validation/test, and save each split as CSV (Label,Text).
import { sampleWithoutReplacement, shuffled } from '../common/shuffle.js';
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

