// The instruction dataset: a JSON list of { instruction, input, output } (the book's
// instruction-data.json), and the book's split: the first 85% train, the next 10% test, the
// last 5% validation, in file order.
import type { InstructionEntry } from './format.js';

/** Checks every entry's fields (strings; input may be missing, read as ''); errors name the entry. */
export function parseInstructionData(json: unknown, source = 'instruction data'): InstructionEntry[] {
  if (!Array.isArray(json)) throw new Error(`${source}: expected a JSON list of { instruction, input, output } entries, got ${json === null ? 'null' : typeof json}`);
  return json.map((e, i) => {
    if (typeof e !== 'object' || e === null) throw new Error(`${source}: entry ${i} is not an object`);
    const { instruction, input = '', output } = e as Record<string, unknown>;
    for (const [field, v] of Object.entries({ instruction, input, output })) {
      if (typeof v !== 'string') throw new Error(`${source}: entry ${i} field "${field}" must be a string, got ${v === undefined ? 'nothing' : typeof v}`);
    }
    return { instruction, input, output } as InstructionEntry;
  });
}

export interface InstructionSplits<T = InstructionEntry> {
  train: T[];
  test: T[];
  validation: T[];
}

/** The book's split (no shuffling): train = first int(0.85·n), test = next int(0.1·n), validation = the rest. */
export function splitInstructionData<T>(data: readonly T[], opts: { trainFrac?: number; testFrac?: number } = {}): InstructionSplits<T> {
  const { trainFrac = 0.85, testFrac = 0.1 } = opts;
  if (!(trainFrac > 0 && testFrac >= 0 && trainFrac + testFrac <= 1)) throw new RangeError(`splitInstructionData: need trainFrac > 0, testFrac >= 0, trainFrac + testFrac <= 1, got ${trainFrac} and ${testFrac}`);
  const trainPortion = Math.floor(data.length * trainFrac);
  const testPortion = Math.floor(data.length * testFrac);
  return {
    train: data.slice(0, trainPortion),
    test: data.slice(trainPortion, trainPortion + testPortion),
    validation: data.slice(trainPortion + testPortion),
  };
}
