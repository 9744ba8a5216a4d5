// Saving and reading the three splits as CSV files (Node).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@llm/train/node';
import { parseCsv, toCsv } from './csv.js';
import { SPLIT_FILES, type Splits } from './splits.js';
import type { LabeledText } from './types.js';

/** Writes dir/{train,validation,test}.csv with columns Label (the class index in `labels`) and Text, atomically. */
export async function saveSplits(dir: string, splits: Splits<LabeledText>, labels: readonly string[]): Promise<string[]> {
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
