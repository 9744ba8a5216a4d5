// Saving generated responses beside the reference outputs (Node).
import { writeFileAtomic } from '@llm/train/node';
import type { EntryWithResponse } from './responses.js';

/** Writes the entries (with their model_response) as an indented JSON list, atomically. */
export async function saveResponses(path: string, entries: readonly EntryWithResponse[]): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(entries, null, 4)}\n`);
}
