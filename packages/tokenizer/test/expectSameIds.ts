// Comparing token ids with a reference tokenizer's, reporting where and near what text they differ.
import { expect } from 'vitest';
import { type Encoding, getEncoding } from '../src/index';

/** Index of the first difference, or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function expectSameIds(ours: number[], ref: ArrayLike<number>, text: string, enc: Encoding = getEncoding('gpt2')): void {
  const at = firstDiff(ours, ref);
  if (at >= 0) {
    const context = JSON.stringify(enc.decode(ours.slice(Math.max(0, at - 5), at + 5)));
    expect.fail(`token ${at} differs: ours ${ours.slice(at, at + 5)} vs ${Array.from(ref).slice(at, at + 5)} near ${context} (text length ${text.length})`);
  }
}
