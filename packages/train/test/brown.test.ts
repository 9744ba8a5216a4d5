// The Brown corpus as plain text: tags stripped, punctuation and quotes spaced as in print.
import { describe, expect, it } from 'vitest';
import { detokenize, untagBrown } from '../src/data/brown-text.js';
import { brownFiles, loadBrownCorpus } from '../src/data/brown.js';

describe('Brown corpus', () => {
  it('strips the tags and joins punctuation and quotes to their words', () => {
    const tagged = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, Atlanta's/np$ (/( 1961/cd )/) --/-- yes/rb ./.\n\n\tIt/pps ended/vbd ./.\n";
    expect(untagBrown(tagged)).toBe('The jury said "no evidence", Atlanta\'s (1961)--yes. It ended.');
    expect(detokenize(['a', 'b', '?', '?'])).toBe('a b?');
  });

  it('reads all 500 texts, about a million words, with no tags left', () => {
    expect(brownFiles()).toHaveLength(500);
    const text = loadBrownCorpus();
    const words = text.split(/\s+/).length;
    expect(words).toBeGreaterThan(900_000);
    expect(words).toBeLessThan(1_200_000);
    // one odd token in the source ('material/hr./*0F./in.') aside, no tags are left
    expect(text.match(/\/(at|nn|vbd|in)\b/g)?.length ?? 0).toBeLessThan(3);
    expect(text).not.toMatch(/\?\?|;;/);
    expect(text.startsWith('The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence" that any irregularities took place.')).toBe(true);
  });

  it('filters by category (r = humor: 9 texts)', () => {
    expect(loadBrownCorpus({ categories: ['r'], separator: '\u0000' }).split('\u0000')).toHaveLength(9);
  });
});
