// The chapter 6 data path: CSV quoting, the SMS file format, balancing and the book's split,
// and SpamDataset's tokenize / truncate / pad against GPT-2 ids from tiktoken.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from '@llm/tokenizer';
import { describe, expect, it } from 'vitest';
import { createBalancedDataset, type LabeledText, labelNames, parseCsv, parseLabeledTsv, randomSplit, SpamDataset, toCsv } from '../src/index.js';
import { loadSmsSpamCollection, loadSplits, saveSplits } from '../src/node.js';

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180) and reads them back', () => {
    const rows = [{ Label: 1, Text: 'Win $$$, now!' }, { Label: 0, Text: 'He said "hi"\nthen left' }, { Label: 0, Text: 'plain' }];
    const csv = toCsv(rows, ['Label', 'Text']);
    expect(csv).toBe('Label,Text\n1,"Win $$$, now!"\n0,"He said ""hi""\nthen left"\n0,plain\n');
    expect(parseCsv(csv)).toEqual(rows.map((r) => ({ Label: String(r.Label), Text: r.Text })));
    expect(parseCsv('a,b\r\n1,"x\r\ny"\r\n')).toEqual([{ a: '1', b: 'x\r\ny' }]);
    expect(() => parseCsv('a,b\n1,"open\n', 'f.csv')).toThrow(/f\.csv: a quoted field is not closed/);
    expect(() => parseCsv('a,b\n1,2,3\n', 'f.csv')).toThrow(/record 1 has 3 fields, the header 2/);
  });
});

describe('SMS Spam Collection format', () => {
  it('reads label<TAB>text lines and names a bad line', async () => {
    expect(parseLabeledTsv('ham\tGo until jurong point, crazy..\nspam\tFree entry in 2 a wkly comp\ttab\n\n')).toEqual([
      { label: 'ham', text: 'Go until jurong point, crazy..' }, { label: 'spam', text: 'Free entry in 2 a wkly comp\ttab' },
    ]);
    expect(() => parseLabeledTsv('ham\tok\nno tab here\n', 'SMSSpamCollection')).toThrow(/SMSSpamCollection:2: expected "label<TAB>text"/);
    await expect(loadSmsSpamCollection('/nonexistent/SMSSpamCollection')).rejects.toThrow(/cannot read \/nonexistent\/SMSSpamCollection/);
  });
});

describe('balancing and the 70/10/20 split', () => {
  // the SMS Spam Collection's class sizes: 4,825 ham and 747 spam
  const sms: LabeledText[] = [
    ...Array.from({ length: 4825 }, (_, i) => ({ label: 'ham', text: `ham ${i}` })),
    ...Array.from({ length: 747 }, (_, i) => ({ label: 'spam', text: `spam ${i}` })),
  ];

  it('gives the book\'s sizes: 747 + 747, then 1,045 / 149 / 300', () => {
    const balanced = createBalancedDataset(sms, { seed: 123 });
    expect(balanced.filter((r) => r.label === 'ham').length).toBe(747);
    expect(balanced.filter((r) => r.label === 'spam').length).toBe(747);
    expect(new Set(balanced.map((r) => r.text)).size).toBe(1494); // sampled without replacement
    const s = randomSplit(balanced, { seed: 123 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([1045, 149, 300]);
    const all = [...s.train, ...s.validation, ...s.test].map((r) => r.text).sort();
    expect(all).toEqual(balanced.map((r) => r.text).sort());
  });

  it('is seeded: the same seed, the same split; another seed, another split', () => {
    const a = randomSplit(createBalancedDataset(sms, { seed: 1 }), { seed: 1 });
    const b = randomSplit(createBalancedDataset(sms, { seed: 1 }), { seed: 1 });
    const c = randomSplit(createBalancedDataset(sms, { seed: 2 }), { seed: 2 });
    expect(a.test.map((r) => r.text)).toEqual(b.test.map((r) => r.text));
    expect(a.test.map((r) => r.text)).not.toEqual(c.test.map((r) => r.text));
    expect(labelNames(sms)).toEqual(['ham', 'spam']);
  });

  it('saves the splits as CSV (Label 0/1, Text) atomically and loads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'splits-'));
    const splits = randomSplit(createBalancedDataset([...sms.slice(0, 30), ...sms.slice(-20), { label: 'spam', text: 'a "quoted", multi\nline text' }]));
    await saveSplits(dir, splits, ['ham', 'spam']);
    expect(readdirSync(dir).sort()).toEqual(['test.csv', 'train.csv', 'validation.csv']);
    expect(readFileSync(join(dir, 'train.csv'), 'utf8').split('\n')[0]).toBe('Label,Text');
    expect(await loadSplits(dir, ['ham', 'spam'])).toEqual(splits);
  });
});

describe('SpamDataset', () => {
  const tokenizer = getEncoding('gpt2');
  const rows = [{ text: 'Hello, world', label: 'ham' }, { text: 'Hello, world. This is a test.', label: 'spam' }];

  it('pads with 50256 to the longest text, and the target is -100 except the label at the last position', () => {
    const ds = new SpamDataset(rows, tokenizer, { labels: ['ham', 'spam'] });
    // tiktoken gpt2: "Hello, world" → [15496, 11, 995]; "Hello, world. This is a test." → [15496, 11, 995, 13, 770, 318, 257, 1332, 13]
    expect(ds.maxLength).toBe(9);
    expect(Array.from(ds.get(0).input)).toEqual([15496, 11, 995, 50256, 50256, 50256, 50256, 50256, 50256]);
    expect(Array.from(ds.get(1).input)).toEqual([15496, 11, 995, 13, 770, 318, 257, 1332, 13]);
    expect(Array.from(ds.get(0).target)).toEqual([-100, -100, -100, -100, -100, -100, -100, -100, 0]);
    expect(Array.from(ds.get(1).target).at(-1)).toBe(1);
  });

  it('truncates to maxLength, also for long texts encoded from a prefix', () => {
    const ds = new SpamDataset(rows, tokenizer, { labels: ['ham', 'spam'], maxLength: 4 });
    expect(Array.from(ds.get(1).input)).toEqual([15496, 11, 995, 13]);
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(500);
    const cut = new SpamDataset([{ text: long, label: 'ham' }], tokenizer, { labels: ['ham'], maxLength: 50 });
    expect(Array.from(cut.encoded[0])).toEqual(tokenizer.encode(long).slice(0, 50));
    expect(new SpamDataset([{ text: long, label: 'ham' }], tokenizer, { labels: ['ham'], contextLength: 64 }).maxLength).toBe(64);
  });

  it('errors name the problem', () => {
    expect(() => new SpamDataset(rows, tokenizer, { labels: ['ham'] })).toThrow(/row 1 has label "spam", not one of \["ham"\]/);
    expect(() => new SpamDataset(rows, tokenizer, { labels: ['ham', 'spam'], maxLength: 2048, contextLength: 1024 })).toThrow(/exceeds the model's context length 1024/);
    expect(() => new SpamDataset(rows, tokenizer, { labels: ['ham', 'spam'] }).get(2)).toThrow(/index 2 out of range/);
  });
});
