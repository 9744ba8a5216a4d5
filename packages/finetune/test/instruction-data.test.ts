// Chapter 7's data path: the Alpaca prompt, the split, the collate function and the loader,
// checked against the values the book prints.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getEncoding } from '@llm/tokenizer';
import { calcLossLoader } from '@llm/train';
import { GPTModel } from '@llm/gpt';
import { manualSeed } from '@llm/tensor';
import { describe, expect, it } from 'vitest';
import { customCollateFn, formatExample, formatInput, InstructionDataLoader, InstructionDataset, parseInstructionData, splitInstructionData } from '../src/index.js';
import { loadInstructionData } from '../src/node.js';

const BOOK_DATA = fileURLToPath(new URL('../../../../shared/data/instruction-data.json', import.meta.url));
const haveBookData = existsSync(BOOK_DATA);
if (!haveBookData) console.log(`skipping the book-data checks: ${BOOK_DATA} is absent (it lives in the shared data folder beside the repository)`);

const rows = (a: Int32Array, T: number) => Array.from({ length: a.length / T }, (_, r) => Array.from(a.subarray(r * T, (r + 1) * T)));

describe('formatInput', () => {
  it('is the book\'s format_input, with and without an input', () => {
    const entry = { instruction: 'Identify the correct spelling of the following word.', input: 'Ocassion', output: "The correct spelling is 'Occasion.'" };
    expect(formatExample(entry)).toBe(
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.'
      + '\n\n### Instruction:\nIdentify the correct spelling of the following word.'
      + '\n\n### Input:\nOcassion'
      + "\n\n### Response:\nThe correct spelling is 'Occasion.'",
    );
    expect(formatInput({ instruction: "What is an antonym of 'complicated'?", input: '' })).toBe(
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.'
      + "\n\n### Instruction:\nWhat is an antonym of 'complicated'?",
    );
  });
});

describe('splitInstructionData', () => {
  it('takes the first 85% for training, the next 10% for testing and the last 5% for validation (1,100 → 935 / 110 / 55)', () => {
    const data = Array.from({ length: 1100 }, (_, i) => i);
    const s = splitInstructionData(data);
    expect([s.train.length, s.test.length, s.validation.length]).toEqual([935, 110, 55]);
    expect([s.train[0], s.test[0], s.validation[0], s.validation[54]]).toEqual([0, 935, 1045, 1099]);
  });

  it.runIf(haveBookData)('splits the book\'s instruction-data.json as the book', async () => {
    const data = await loadInstructionData(BOOK_DATA);
    expect(data.length).toBe(1100);
    const s = splitInstructionData(data);
    expect([s.train.length, s.test.length, s.validation.length]).toEqual([935, 110, 55]);
    // the book's example entry 50, and its formatted prompt
    expect(data[50]).toEqual({ instruction: 'Identify the correct spelling of the following word.', input: 'Ocassion', output: "The correct spelling is 'Occasion.'" });
  });

  it('names the entry and field that is wrong', () => {
    expect(() => parseInstructionData({ a: 1 }, 'x.json')).toThrow(/x\.json: expected a JSON list/);
    expect(() => parseInstructionData([{ instruction: 'a', output: 'b' }, { instruction: 'a', input: 3, output: 'b' }], 'x.json')).toThrow(/entry 1 field "input" must be a string/);
    expect(parseInstructionData([{ instruction: 'a', output: 'b' }])[0].input).toBe('');
  });
});

describe('customCollateFn', () => {
  it('gives the book\'s padded inputs and masked targets for [0..4], [5, 6], [7, 8, 9]', () => {
    const b = customCollateFn([[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]]);
    expect([b.batchSize, b.length]).toEqual([3, 5]);
    expect(rows(b.inputs, 5)).toEqual([[0, 1, 2, 3, 4], [5, 6, 50256, 50256, 50256], [7, 8, 9, 50256, 50256]]);
    expect(rows(b.targets, 5)).toEqual([[1, 2, 3, 4, 50256], [6, 50256, -100, -100, -100], [8, 9, 50256, -100, -100]]);
  });

  it('cuts to allowedMaxLength after masking, and masks the prompt when asked (exercise 7.2)', () => {
    const b = customCollateFn([[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]], { allowedMaxLength: 3 });
    expect(rows(b.inputs, 3)).toEqual([[0, 1, 2], [5, 6, 50256], [7, 8, 9]]);
    expect(rows(b.targets, 3)).toEqual([[1, 2, 3], [6, 50256, -100], [8, 9, 50256]]);
    // prompts of 3, 1 and 2 tokens: targets[:promptLength - 1] are ignored
    const m = customCollateFn([[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]], { promptLengths: [3, 1, 2], padTokenId: 99 });
    expect(rows(m.targets, 5)).toEqual([[-100, -100, 3, 4, 99], [6, 99, -100, -100, -100], [-100, 9, 99, -100, -100]]);
  });

  it('treats an <|endoftext|> inside the text as padding, as the book does', () => {
    const b = customCollateFn([[1, 50256, 2], [3]]);
    // the in-text 50256 is the "first padding token" kept, so the real end of text is ignored
    expect(rows(b.targets, 3)).toEqual([[50256, 2, -100], [50256, -100, -100]]);
  });
});

describe('InstructionDataset and InstructionDataLoader', () => {
  const tokenizer = getEncoding('gpt2');
  const data = [
    { instruction: 'Add the numbers.', input: '2, 3', output: '5' },
    { instruction: 'Name a color.', input: '', output: 'Blue is a color of the sky on a clear day.' },
    { instruction: 'Say hi.', input: '', output: 'Hi' },
  ];

  it('encodes prompt + response and records the prompt length', () => {
    const ds = new InstructionDataset(data, tokenizer);
    expect(Array.from(ds.encodedTexts[0])).toEqual(tokenizer.encode(formatExample(data[0])));
    expect(ds.promptLengths[1]).toBe(tokenizer.encode(formatInput(data[1])).length);
    const one = ds.get(2);
    expect(Array.from(one.target)).toEqual([...Array.from(ds.encodedTexts[2]).slice(1), 50256]);
  });

  it('pads each batch to its own longest sequence and works with calcLossLoader', async () => {
    const ds = new InstructionDataset(data, tokenizer);
    const loader = new InstructionDataLoader(ds, { batchSize: 2, maskPrompt: true });
    const shapes = [...loader.iterate()].map(([x, y]) => { const s = [...x.shape]; x.dispose(); y.dispose(); return s; });
    const len = (i: number) => ds.encodedTexts[i].length;
    expect(shapes).toEqual([[2, Math.max(len(0), len(1))], [1, len(2)]]);
    const [, targets] = loader.iterate().next().value!;
    const first = Array.from(await targets.data()).slice(0, ds.promptLengths[0] - 1);
    expect(first.every((t) => t === -100)).toBe(true);
    manualSeed(0);
    const model = new GPTModel({ vocabSize: 50257, contextLength: 128, embDim: 16, nHeads: 2, nLayers: 1, dropRate: 0, qkvBias: false });
    const loss = await calcLossLoader(loader, model.eval());
    expect(loss).toBeGreaterThan(9); // about ln(50257) = 10.8 for an untrained model
    expect(loss).toBeLessThan(12.5);
  });
});
