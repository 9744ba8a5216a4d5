// ROUGE-L and exact match against values computed by hand, including the examples of Lin
// (2004), "ROUGE: A Package for Automatic Evaluation of Summaries", section 3.1.
import { describe, expect, it } from 'vitest';
import { exactMatch, extractResponse, lcsLength, normalizeAnswer, rougeL, rougeTokens, scoreResponses } from '../src/index.js';

describe('ROUGE-L', () => {
  it('Lin (2004): against "police killed the gunman", S2 scores 0.75 and S3 0.5', () => {
    expect(rougeL('police kill the gunman', 'police killed the gunman').f1).toBeCloseTo(0.75, 12);
    expect(rougeL('the gunman kill police', 'police killed the gunman').f1).toBeCloseTo(0.5, 12);
  });

  it('precision, recall and F1 by hand', () => {
    // LCS "the cat on the mat" = 5 of 6 tokens each way
    expect(rougeL('the cat sat on the mat', 'the cat is on the mat')).toEqual({ precision: 5 / 6, recall: 5 / 6, f1: expect.closeTo(5 / 6, 12) });
    // candidate 3 tokens, reference 6, LCS "a b c" = 3: P 1, R 0.5, F1 2/3
    const s = rougeL('a b c', 'a x b y c z');
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(0.5);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
    expect(rougeL('', 'anything').f1).toBe(0);
    expect(rougeL('nothing shared', 'at all').f1).toBe(0);
  });

  it('tokenizes as rouge_score: lower case, runs of letters and digits', () => {
    expect(rougeTokens("The cat's 2 hats, e.g. ÜBER!")).toEqual(['the', 'cat', 's', '2', 'hats', 'e', 'g', 'ber']);
    expect(rougeL('THE CAT.', 'the cat').f1).toBe(1);
  });

  it('lcsLength by hand', () => {
    expect(lcsLength('ABCBDAB'.split(''), 'BDCABA'.split(''))).toBe(4); // CLRS: "BCBA"
    expect(lcsLength([], ['a'])).toBe(0);
  });
});

describe('exact match and scoreResponses', () => {
  it('compares after lower-casing, collapsing whitespace and dropping a final period', () => {
    expect(normalizeAnswer('  The  Answer.\n')).toBe('the answer');
    expect(exactMatch('The answer.', 'the   answer')).toBe(true);
    expect(exactMatch('the answer!', 'the answer')).toBe(false);
  });

  it('averages over the entries', () => {
    const s = scoreResponses([
      { output: 'the cat sat', model_response: 'The cat sat.' }, // exact, ROUGE-L 1
      { output: 'a b c d', model_response: 'a b' }, // P 1, R 0.5, F1 2/3
    ]);
    expect(s.count).toBe(2);
    expect(s.exactMatch).toBe(0.5);
    expect(s.rougeL).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(Number.isNaN(scoreResponses([]).rougeL)).toBe(true);
  });
});

describe('extractResponse', () => {
  it('is the book\'s generated_text[len(input_text):].replace("### Response:", "").strip()', () => {
    const input = '### Instruction:\nSay hi.';
    expect(extractResponse(`${input}\n\n### Response:\nHi there. \n`, input)).toBe('Hi there.');
    expect(extractResponse('\n\n### Response:\nA\n### Response:\nB')).toBe('A\n\nB');
  });
});
