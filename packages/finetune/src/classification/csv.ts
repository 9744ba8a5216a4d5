// CSV as RFC 4180: fields holding a comma, a quote or a line break are quoted, quotes doubled.
// Rows end with "\n" (as pandas writes them); the parser reads "\n" and "\r\n".
export type CsvRow = Record<string, string | number>;

function quoteField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row, in `columns` order. */
export function toCsv(rows: readonly CsvRow[], columns: readonly string[]): string {
  const lines = [columns.map(quoteField).join(',')];
  for (const [i, row] of rows.entries()) {
    lines.push(columns.map((c) => {
      if (!(c in row)) throw new Error(`toCsv: row ${i} has no column "${c}"`);
      return quoteField(row[c]);
    }).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Rows of a CSV file with a header line, as objects keyed by the header's names (values are strings). */
export function parseCsv(text: string, source = 'csv'): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      field = '';
      record = [];
    } else field += c;
  }
  if (quoted) throw new Error(`${source}: a quoted field is not closed`);
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  const [header, ...rows] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error(`${source}: empty CSV (no header line)`);
  return rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`${source}: record ${n + 1} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}
