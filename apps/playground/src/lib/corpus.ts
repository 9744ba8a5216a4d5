// The built-in training text: Edith Wharton's short story "The Verdict" (1908), in the public
// domain; the book trains its first GPT on it. 20,479 characters: about 5,000 tokens of a
// 512-token vocabulary, enough for a validation split that shows learning within a minute.
// It is read in place from ../shared/data beside the repository (never copied into it) and
// bundled at build time; a build without that folder has no built-in text (a glob matches
// nothing instead of failing the build), and the page asks for a pasted or dropped one.
const found = import.meta.glob<string>('../../../../../shared/data/the-verdict.txt', { query: '?raw', import: 'default', eager: true });

export const BUILTIN_TEXT: string | undefined = Object.values(found)[0];
export const BUILTIN_SOURCE = '"The Verdict" (Edith Wharton, 1908)';
/** Where the built-in text comes from, relative to the repository (for the page's message). */
export const BUILTIN_PATH = '../shared/data/the-verdict.txt';
