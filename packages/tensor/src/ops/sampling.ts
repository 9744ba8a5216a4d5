// Drawing token ids from probabilities. Sampling reads the probabilities back (async), so it
// happens on the CPU with a seedable Generator, whatever the backend.
import { defaultGenerator, type Generator } from '../random.js';
import { shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Samples `numSamples` indices per row of probs (rows, n) or (n), with replacement, from the
 * (unnormalised, non-negative) weights, as torch.multinomial. Returns int32 (rows, numSamples).
 */
export async function multinomial(probs: Tensor, numSamples = 1, opts: { generator?: Generator } = {}): Promise<Tensor> {
  if (probs.ndim < 1 || probs.ndim > 2) throw new Error(`multinomial: expected probs (n) or (rows, n), got ${shapeStr(probs.shape)}`);
  const g = opts.generator ?? defaultGenerator;
  const n = probs.shape[probs.ndim - 1];
  const rows = probs.ndim === 2 ? probs.shape[0] : 1;
  const p = await probs.data();
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < n; j++) {
      const w = p[r * n + j];
      if (!(w >= 0) || w === Infinity) throw new RangeError(`multinomial: probabilities must be finite and non-negative, got ${w} at [${r}, ${j}]`);
      total += w;
    }
    if (total <= 0) throw new RangeError(`multinomial: row ${r} has no positive probability`);
    for (let s = 0; s < numSamples; s++) {
      let u = g.uniform() * total;
      let j = 0;
      for (; j < n - 1; j++) {
        u -= p[r * n + j];
        if (u < 0) break;
      }
      while (p[r * n + j] === 0 && j > 0) j--; // rounding past the end must not pick a zero-weight index
      out[r * numSamples + s] = j;
    }
  }
  const shape = probs.ndim === 2 ? [rows, numSamples] : [numSamples];
  return new Tensor(probs.backend.fromArray(out), shape);
}
