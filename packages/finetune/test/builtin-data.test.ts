// The offline instruction dataset: deterministic, distinct, and every answer right (checked by
// recomputing it from the question, or against the shipped plural list).
import { describe, expect, it } from 'vitest';
import { numberToWords, PLURALS } from '../src/index.js';
import { BUILTIN_TASK_COUNT, builtinInstructionData } from '../src/node.js';

describe('numberToWords', () => {
  it('spells numbers as written by hand', () => {
    expect([0, 7, 13, 20, 42, 99, 100, 101, 342, 1000, 1205, 9999, 21_017].map(numberToWords)).toEqual([
      'zero', 'seven', 'thirteen', 'twenty', 'forty-two', 'ninety-nine', 'one hundred', 'one hundred one', 'three hundred forty-two',
      'one thousand', 'one thousand two hundred five', 'nine thousand nine hundred ninety-nine', 'twenty-one thousand seventeen',
    ]);
    expect(() => numberToWords(-1)).toThrow(/expected an integer in \[0, 999999\]/);
  });
});

describe('builtinInstructionData', () => {
  const data = builtinInstructionData();

  it('makes 1,100 distinct entries, the same for the same seed, the tasks in turn', () => {
    expect(data.length).toBe(1100);
    expect(new Set(data.map((e) => `${e.instruction}\n${e.input}`)).size).toBe(1100);
    expect(builtinInstructionData({ size: 50 })).toEqual(data.slice(0, 50));
    expect(builtinInstructionData({ size: 50, seed: 7 })).not.toEqual(data.slice(0, 50));
    expect(BUILTIN_TASK_COUNT).toBe(11);
    expect(data[11].instruction).toBe(data[0].instruction);
  });

  it('gives right answers', () => {
    const plural = new Map(PLURALS.map(([s, p]) => [s, p]));
    const singular = new Map(PLURALS.map(([s, p]) => [p, s]));
    let checked = 0;
    for (const e of data) {
      const plus = /^What is (\d+) plus (\d+)\?$/.exec(e.instruction);
      if (e.instruction.startsWith('Convert the following noun')) expect(e.output).toBe(plural.get(e.input));
      else if (e.instruction.startsWith('What is the singular')) expect(e.output).toBe(singular.get(e.input));
      else if (plus) expect(e.output).toBe(`${plus[1]} plus ${plus[2]} is ${Number(plus[1]) + Number(plus[2])}.`);
      else if (e.instruction.startsWith('Subtract')) { const [a, b] = e.input.split(', ').map(Number); expect(Number(e.output)).toBe(a - b); }
      else if (e.instruction.startsWith('Write the number')) expect(e.output).toBe(numberToWords(Number(e.input)));
      else if (e.instruction.startsWith('Write the following word backwards')) expect([...e.output].reverse().join('')).toBe(e.input);
      else if (e.instruction.startsWith('Spell')) expect(e.output.replaceAll('-', '')).toBe(e.input);
      else if (e.instruction.startsWith('How many letters')) expect(Number(e.output)).toBe(e.input.length);
      else if (e.instruction.startsWith('Reverse the order')) expect(e.output.split(' ').reverse().join(' ')).toBe(e.input);
      else if (e.instruction.startsWith('Rewrite')) expect(e.output).toBe(e.input.toUpperCase());
      else if (e.instruction.startsWith('How many words')) expect(Number(e.output)).toBe(e.input.split(' ').length);
      else throw new Error(`unexpected instruction ${e.instruction}`);
      checked++;
    }
    expect(checked).toBe(1100);
    // sentences and words come from the Brown corpus: plain words, no tags, no stray spaces
    for (const e of data.filter((x) => x.instruction.startsWith('Reverse the order'))) expect(e.input).toMatch(/^[A-Z][A-Za-z,' ]*[A-Za-z]$/);
  });
});
