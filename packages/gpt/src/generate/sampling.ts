// Choosing the next token from one row of logits (section 5.3): greedy argmax, or temperature
// scaling with optional top-k and top-p (nucleus) filtering, then a draw from a seedable
// Generator. It runs on the CPU: the logits of one position are read back anyway.
import type { Generator } from '@llm/tensor';

export interface SamplingOptions {
  /** 0 (default) picks the most likely token; higher values flatten the distribution. */
  temperature?: number;
  /** Keep only the k most likely tokens (ties with the k-th are kept, as the book's top-k). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP (0 < topP ≤ 1). */
  topP?: number;
}

export function checkSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature))) throw new RangeError(`generate: temperature must be ≥ 0, got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isSafeInteger(o.topK) && o.topK > 0)) throw new RangeError(`generate: topK must be a positive integer, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new RangeError(`generate: topP must be in (0, 1], got ${o.topP}`);
}

/** Index of the largest value (the first one on ties, as torch.argmax). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** The next token id for one row of logits. */
export function sampleToken(logits: Float32Array, opts: SamplingOptions, generator: Generator): number {
  const temperature = opts.temperature ?? 0;
  let kept = logits;
  if (opts.topK !== undefined && opts.topK < logits.length) {
    const kth = Float32Array.from(logits).sort().reverse()[opts.topK - 1];
    kept = logits.map((v) => (v < kth ? -Infinity : v));
  }
  if (temperature === 0) return argmax(kept);

  // softmax(logits / temperature), in float64
  const max = kept[argmax(kept)];
  const probs = new Float64Array(kept.length);
  let total = 0;
  for (let i = 0; i < kept.length; i++) total += probs[i] = Math.exp((kept[i] - max) / temperature);
  if (opts.topP !== undefined && opts.topP < 1) total = nucleus(probs, total, opts.topP);

  let u = generator.uniform() * total;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    last = i;
    u -= probs[i];
    if (u < 0) return i;
  }
  return last; // rounding left u ≥ 0 past the end
}

/** Zeroes all but the smallest top set reaching p of the mass; returns the kept mass. */
function nucleus(probs: Float64Array, total: number, p: number): number {
  const order = Array.from(probs.keys()).filter((i) => probs[i] > 0).sort((a, b) => probs[b] - probs[a] || a - b);
  let cumulative = 0, keep = 0;
  while (keep < order.length && cumulative < p * total) cumulative += probs[order[keep++]];
  for (let j = keep; j < order.length; j++) probs[order[j]] = 0;
  return cumulative;
}
