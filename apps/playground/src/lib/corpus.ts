// The built-in training text: Edith Wharton's short story "The Verdict" (1908), in the public
// domain; the book trains its first GPT on it. 20,479 characters: about 5,000 tokens of a
// 512-token vocabulary, enough for a validation split that shows learning within a minute.
import verdict from '../texts/the-verdict.txt?raw';

export const BUILTIN_TEXT: string = verdict;
export const BUILTIN_SOURCE = '"The Verdict" (Edith Wharton, 1908)';
