// The book's simple tokenizers (chapter 2), checked against the numbers the book prints for "The Verdict".
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { get_encoding } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { buildVocab, getEncoding, SimpleTokenizerV1, SimpleTokenizerV2, simpleSplit } from '../src/index';

const verdictPath = fileURLToPath(new URL('../../../../shared/data/the-verdict.txt', import.meta.url));
const verdict = existsSync(verdictPath) ? readFileSync(verdictPath, 'utf8') : null;
if (!verdict) console.log(`skipping The Verdict checks: ${verdictPath} is absent (../shared/data is not checked out)`);

describe('simpleSplit', () => {
  it('splits on punctuation, double dashes and whitespace like the book', () => {
    expect(simpleSplit('Hello, world. Is this-- a test?')).toEqual(['Hello', ',', 'world', '.', 'Is', 'this', '--', 'a', 'test', '?']);
    expect(simpleSplit(`"It's"`)).toEqual(['"', 'It', "'", 's', '"']);
  });
});

describe.runIf(verdict)('on The Verdict (the book\'s numbers)', () => {
  const text = verdict!;

  it('has 4,690 words and a vocabulary of 1,130 (1,132 with the special tokens)', () => {
    expect(simpleSplit(text).length).toBe(4690);
    expect(buildVocab(text).size).toBe(1130);
    const v2 = buildVocab(text, { specialTokens: ['<|endoftext|>', '<|unk|>'] });
    expect(v2.size).toBe(1132);
    expect([...v2].slice(-2)).toEqual([['<|endoftext|>', 1130], ['<|unk|>', 1131]]);
  });

  it('SimpleTokenizerV1 encodes and decodes the book\'s sentence', () => {
    const tok = new SimpleTokenizerV1(buildVocab(text));
    const sentence = `"It's the last he painted, you know,"\n       Mrs. Gisburn said with pardonable pride.`;
    const ids = tok.encode(sentence);
    expect(ids).toEqual([1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7]);
    expect(tok.decode(ids)).toBe(`" It' s the last he painted, you know," Mrs. Gisburn said with pardonable pride.`);
    expect(() => tok.encode('Hello, do you like tea?')).toThrow(/"Hello" is not in the vocabulary/);
  });

  it('SimpleTokenizerV2 maps unknown words to <|unk|> and keeps <|endoftext|>', () => {
    const tok = new SimpleTokenizerV2(buildVocab(text, { specialTokens: ['<|endoftext|>', '<|unk|>'] }));
    const joined = ['Hello, do you like tea?', 'In the sunlit terraces of the palace.'].join(' <|endoftext|> ');
    const ids = tok.encode(joined);
    expect(ids).toEqual([1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988, 1131, 7]);
    expect(tok.decode(ids)).toBe('<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.');
  });

  it('GPT-2 gives the book\'s 5,145 tokens, as tiktoken does', () => {
    const ids = getEncoding('gpt2').encode(text);
    expect(ids.length).toBe(5145);
    const tk = get_encoding('gpt2');
    expect(ids).toEqual(Array.from(tk.encode(text)));
    tk.free();
  });
});

describe('simple tokenizers without the book', () => {
  it('round-trip text whose words are all known', () => {
    const text = 'The cat sat on the mat. Did it? Yes -- it did!';
    const tok = new SimpleTokenizerV1(buildVocab(text));
    expect(tok.decode(tok.encode(text))).toBe('The cat sat on the mat. Did it? Yes -- it did!');
    expect(new SimpleTokenizerV1(Object.fromEntries(buildVocab(text))).encode('the cat')).toEqual(tok.encode('the cat'));
  });

  it('explain bad vocabularies and ids', () => {
    expect(() => new SimpleTokenizerV2(buildVocab('a b'))).toThrow(/SimpleTokenizerV2: the vocabulary has no <\|unk\|> token/);
    expect(() => new SimpleTokenizerV1({ a: -1 })).toThrow(/SimpleTokenizerV1: vocab entry "a" has invalid id -1/);
    expect(() => new SimpleTokenizerV1(buildVocab('a b')).decode([5])).toThrow(/decode: ids\[0\] = 5 is not in the vocabulary/);
    expect(() => simpleSplit(3 as unknown as string)).toThrow(/expected a string, got number/);
  });
});
