// Training a byte-level BPE vocabulary: start from the 256 bytes and repeatedly merge the most frequent
// adjacent pair of tokens within pre-tokens (GPT-2's pattern by default), as GPT-2's vocabulary was made.
import { Encoding } from './encoding';
import { findPattern } from './patterns';
import { pretokenize } from './pretokenizeAny';
import { specialFinder } from './specials';

export interface TrainBPEOptions {
  /** Final vocabulary size: 256 byte tokens + merges + special tokens. */
  vocabSize: number;
  /** Special tokens, given the ids after the merges; their text in the training data is not learned from. */
  specialTokens?: readonly string[];
  /** The pre-tokenizer: 'gpt2' (default), 'cl100k_base', 'o200k_base', 'qwen2', or (written in code, not read from
   *  a file) any regular expression source, run by the JavaScript engine. */
  pattern?: string;
  /** A pair must occur at least this often to be merged (default 1). */
  minFrequency?: number;
  name?: string;
}

/** Pair of token ids as one number (ids stay below 2^20). */
const KEY = 1 << 20;

/** Counts of the distinct pre-tokens of the texts. */
function countPieces(texts: readonly string[], pattern: string, specials: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const regex = findPattern(pattern) ? null : new RegExp(pattern, 'gu');
  const add = (stretch: string) => {
    const pieces = regex ? Array.from(stretch.matchAll(regex), (m) => m[0]) : pretokenize(stretch, pattern);
    for (const p of pieces) if (p !== '') counts.set(p, (counts.get(p) ?? 0) + 1);
  };
  for (const text of texts) {
    if (typeof text !== 'string') throw new TypeError(`trainBPE: expected a string or an array of strings, got ${typeof text}`);
    const find = specialFinder(text, specials);
    for (let from = 0; ; ) {
      const m = find(from);
      add(text.slice(from, m ? m.at : text.length));
      if (!m) break;
      from = m.at + m.token.length;
    }
  }
  return counts;
}

/** Trains a byte-level BPE encoding on `text` (or several texts). Ties between equally frequent pairs go to the
 *  pair with the smaller (left id, right id). Should a merge rebuild the bytes of an existing token, it reuses
 *  that token (a guard: the ranks of an encoding must have distinct bytes). */
export function trainBPE(text: string | readonly string[], options: TrainBPEOptions): Encoding {
  const { vocabSize, specialTokens = [], pattern = 'gpt2', minFrequency = 1, name = 'trained-bpe' } = options ?? ({} as TrainBPEOptions);
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specialTokens.length || vocabSize >= KEY) {
    throw new RangeError(`trainBPE: vocabSize must be an integer from ${256 + specialTokens.length} (256 bytes + special tokens) to ${KEY - 1}, got ${vocabSize}`);
  }
  const counts = countPieces(typeof text === 'string' ? [text] : text, pattern, specialTokens);
  const encoder = new TextEncoder();
  const words: Int32Array[] = [];
  const freq: number[] = [];
  for (const [piece, n] of counts) {
    words.push(Int32Array.from(encoder.encode(piece)));
    freq.push(n);
  }
  const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const idOfBytes = new Map<string, number>(tokens.map((t, id) => [t.join(), id]));

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (w: number, sign: number, delta: Map<number, number>) => {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i] * KEY + word[i + 1];
      delta.set(key, (delta.get(key) ?? 0) + sign * freq[w]);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  const apply = (delta: Map<number, number>) => {
    for (const [key, d] of delta) {
      if (d === 0) continue;
      const c = (pairCount.get(key) ?? 0) + d;
      pairCount.set(key, c);
      if (c > 0) heap.push(c, key);
    }
  };
  const initial = new Map<number, number>();
  for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
  apply(initial);

  const nMerges = vocabSize - 256 - specialTokens.length;
  while (tokens.length < 256 + nMerges && heap.length > 0) {
    const [count, key] = heap.pop();
    if (pairCount.get(key) !== count) continue; // stale entry
    if (count < minFrequency) break;
    const a = Math.floor(key / KEY);
    const b = key % KEY;
    const bytes = new Uint8Array(tokens[a].length + tokens[b].length);
    bytes.set(tokens[a]);
    bytes.set(tokens[b], tokens[a].length);
    let id = idOfBytes.get(bytes.join());
    if (id === undefined) {
      id = tokens.length;
      tokens.push(bytes);
      idOfBytes.set(bytes.join(), id);
    }
    const delta = new Map<number, number>();
    for (const w of pairWords.get(key) ?? []) {
      addPairs(w, -1, delta);
      words[w] = mergeWord(words[w], a, b, id);
      addPairs(w, 1, delta);
    }
    pairWords.delete(key);
    apply(delta);
  }
  const special = Object.fromEntries(specialTokens.map((s, i) => [s, tokens.length + i]));
  return new Encoding({ name, tokens, specialTokens: special, pattern, allowCustomPattern: findPattern(pattern) === undefined });
}

/** The word with every (a, b), left to right and not overlapping, replaced by id. */
function mergeWord(word: Int32Array, a: number, b: number, id: number): Int32Array {
  const out = new Int32Array(word.length);
  let n = 0;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === a && i + 1 < word.length && word[i + 1] === b) {
      out[n++] = id;
      i++;
    } else {
      out[n++] = word[i];
    }
  }
  return out.subarray(0, n);
}

/** Max-heap of (count, pair key): the most frequent pair first, the smaller key on ties. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  get length(): number {
    return this.counts.length;
  }
  private above(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    for (let i = this.counts.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!this.above(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.keys[0]];
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      let m = i;
      if (l < last && this.above(l, m)) m = l;
      if (l + 1 < last && this.above(l + 1, m)) m = l + 1;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
