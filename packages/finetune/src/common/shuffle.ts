// Seeded Fisher-Yates shuffles on @llm/tensor's Generator: the same seed gives the same order on
// every machine.
import { Generator } from '@llm/tensor';

/** A shuffled copy of items. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const g = new Generator(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** k distinct items drawn without replacement, in draw order. */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, seed: number): T[] {
  if (!(Number.isInteger(k) && k >= 0 && k <= items.length)) throw new RangeError(`sampleWithoutReplacement: k must be an integer in [0, ${items.length}], got ${k}`);
  return shuffled(items, seed).slice(0, k);
}
