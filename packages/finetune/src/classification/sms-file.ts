// Reading an SMS Spam Collection file (Node).
import { readFile } from 'node:fs/promises';
import { parseLabeledTsv } from './sms.js';
import type { LabeledText } from './types.js';

/** Reads an SMS Spam Collection file (or any label<TAB>text file). */
export async function loadSmsSpamCollection(path: string): Promise<LabeledText[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`loadSmsSpamCollection: cannot read ${path}: ${(e as Error).message}`);
  }
  return parseLabeledTsv(content, path);
}
