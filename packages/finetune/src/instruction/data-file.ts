// Reading the instruction dataset from a file (Node).
import { readFile } from 'node:fs/promises';
import type { InstructionEntry } from './format.js';
import { parseInstructionData } from './data.js';

export async function loadInstructionData(path: string): Promise<InstructionEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`loadInstructionData: cannot read ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadInstructionData: ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseInstructionData(json, path);
}
