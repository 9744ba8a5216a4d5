// The book's SMS Spam Collection format (UCI, file SMSSpamCollection): one message per line,
// "label<TAB>text", labels ham / spam. The book downloads it; here the user points at the file.
import type { LabeledText } from './types.js';

/** Parses "label<TAB>text" lines; blank lines are skipped, anything else without a tab is an error naming the line. */
export function parseLabeledTsv(content: string, source = 'input'): LabeledText[] {
  const rows: LabeledText[] = [];
  content.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new Error(`${source}:${i + 1}: expected "label<TAB>text", got ${JSON.stringify(line.slice(0, 60))}`);
    rows.push({ label: line.slice(0, tab).trim(), text: line.slice(tab + 1) });
  });
  if (rows.length === 0) throw new Error(`${source}: no "label<TAB>text" rows`);
  return rows;
}

