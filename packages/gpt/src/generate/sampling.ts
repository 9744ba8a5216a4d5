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
  let best = 0, max = row[0];
  for (let i = 1; i < row.length; i++) if (row[i] > max) max = row[(best = i)];
  return best;
}

/**
 * The next token id for one row of logits. Every step of a batch samples each of its rows, so this
 * avoids sorting the vocabulary: top-k finds the k-th largest logit with a size-k heap, top-p sorts
 * only the probabilities as numbers (natively), with the same result as sorting them by (p, index).
 */
export function sampleToken(logits: Float32Array, opts: SamplingOptions, generator: Generator): number {
  const temperature = opts.temperature ?? 0;
  if (temperature === 0) return argmax(logits); // the largest logit always survives top-k
  // logits below the k-th largest are dropped (probability exactly 0, as exp(−∞))
  const kth = opts.topK !== undefined && opts.topK < logits.length ? kthLargest(logits, opts.topK) : -Infinity;

  // softmax(logits / temperature), in float64
  const max = logits[argmax(logits)];
  const probs = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += probs[i] = logits[i] < kth ? 0 : Math.exp((logits[i] - max) / temperature);
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

/** The k-th largest value (1 ≤ k < length), as sorting descending and taking [k − 1]: the root of a min-heap of the k largest. */
function kthLargest(values: Float32Array, k: number): number {
  const heap = new Float32Array(k);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) return Float32Array.from(values).sort().reverse()[k - 1]; // NaN: sort's order (NaN largest)
    if (size < k) {
      // sift up
      let j = size++;
      while (j > 0 && heap[(j - 1) >> 1] > v) heap[j] = heap[(j = (j - 1) >> 1)];
      heap[j] = v;
    } else if (v > heap[0]) {
      // replace the smallest and sift down
      let j = 0;
      for (;;) {
        let c = 2 * j + 1;
        if (c >= k) break;
        if (c + 1 < k && heap[c + 1] < heap[c]) c++;
        if (heap[c] >= v) break;
        heap[j] = heap[c];
        j = c;
      }
      heap[j] = v;
    }
  }
  return heap[0];
}

/**
 * Zeroes all but the smallest top set reaching p of the mass; returns the kept mass. The set is
 * the most likely first, lower index first among equal ones; summed in that order.
 */
function nucleus(probs: Float64Array, total: number, p: number): number {
  // the set lies among the probabilities ≥ cut: all those below it weigh less than (1 − p) of the
  // mass, so only these need sorting (few, for a trained model's peaked distribution)
  const cut = ((1 - p) * total) / probs.length;
  let sorted = probs.filter((q) => q >= cut && q > 0).sort(); // ascending
  let cumulative = 0, keep = 0;
  const fill = () => {
    cumulative = keep = 0;
    while (keep < sorted.length && cumulative < p * total) cumulative += sorted[sorted.length - 1 - keep++];
  };
  fill();
  if (cumulative < p * total && sorted.length < probs.length) {
    sorted = probs.filter((q) => q > 0).sort(); // rounding fell short of p: take them all
    fill();
  }
  const least = sorted[sorted.length - keep]; // the smallest kept probability
  let ties = 0; // how many of the kept equal it: the first ones by index
  for (let j = sorted.length - keep; j < sorted.length && sorted[j] === least; j++) ties++;
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i] > 0) || probs[i] > least) continue;
    if (probs[i] === least && ties > 0) ties--;
    else probs[i] = 0;
  }
  return cumulative;
}
