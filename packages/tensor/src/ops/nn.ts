// Composite neural-network ops, built from the primitives above so their gradients come for
// free. Fused kernels may replace them where a benchmark says so, checked against these.
import { noGrad, record } from '../autograd.js';
import { tidy } from '../memory.js';
import { defaultGenerator, type Generator } from '../random.js';
import { normalizeDim, shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, exp, log, mul, ne, sub, where } from './elementwise.js';
import { gather } from './indexing.js';
import { reshape } from './movement.js';
import { max, mean, sum, variance } from './reduce.js';
import { checkFloat, dense, opScope } from './util.js';

/** softmax(x) = exp(x - max) / Σ exp(x - max): the max (a constant for the gradient) keeps exp finite. */
export function softmax(x: Tensor, dim = -1): Tensor {
  checkFloat('softmax', x);
  const d = normalizeDim('softmax', dim, x.ndim);
  return opScope([x], () => {
    const e = exp(sub(x, rowMax(x, d)));
    return div(e, sum(e, d, true));
  });
}

/** log softmax(x) = (x - max) - log Σ exp(x - max). */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  checkFloat('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, x.ndim);
  return opScope([x], () => {
    const shifted = sub(x, rowMax(x, d));
    return sub(shifted, log(sum(exp(shifted), d, true)));
  });
}

function rowMax(x: Tensor, d: number): Tensor {
  // -Infinity rows (fully masked) would give NaN; shifting by 0 there keeps them -Infinity
  return noGrad(() => tidy(() => {
    const m = max(x, d, true);
    return where(ne(m, -Infinity), m, 0);
  }));
}

export interface CrossEntropyOptions {
  /** Targets equal to this are left out of the loss and its mean (default -100, as PyTorch). */
  ignoreIndex?: number;
}

/**
 * Mean cross-entropy between logits (N, C) and int32 class targets (N), as
 * torch.nn.functional.cross_entropy. Logits (B, T, C) with targets (B, T) are flattened.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (targets.dtype !== 'int32') throw new TypeError(`crossEntropy: targets must be int32 class indices, got ${targets.dtype}`);
  if (logits.ndim < 2 || logits.ndim !== targets.ndim + 1 || targets.shape.some((s, i) => s !== logits.shape[i])) {
    throw new Error(`crossEntropy: logits ${shapeStr(logits.shape)} and targets ${shapeStr(targets.shape)} do not fit: expected logits (N, C) with targets (N), or (B, T, C) with (B, T)`);
  }
  const C = logits.shape[logits.ndim - 1];
  return opScope([logits], () => {
    const flatTargets = reshape(targets, [-1, 1]);
    const valid = ne(flatTargets, ignoreIndex); // (N, 1) float 0/1
    const safeTargets = where(valid, flatTargets, 0); // ignored rows gather class 0, then get weight 0
    const count = sum(valid);
    // loss = −Σ valid · log softmax(logits)[target] / count, computed without a graph: with a
    // GPT-2 vocabulary the (N, C) logits are the largest tensor of a step, and the composed
    // gradient would take ~8 passes over them (two of them exp) where the closed form takes one
    const flat = reshape(logits, [-1, C]);
    const { e, s, loss } = noGrad(() => {
      const shifted = sub(flat, rowMax(flat, 1)); // (N, C)
      const e = exp(shifted);
      const s = sum(e, 1, true); // (N, 1)
      const logProb = sub(gather(shifted, 1, safeTargets), log(s)); // (N, 1)
      return { e, s, loss: div(sum(mul(logProb, valid)), count).neg() };
    });
    // ∂loss/∂logits = (e / s − onehot(target)) · valid · g / count
    return record(loss, 'crossEntropy', [logits], (g) => {
      const scale = div(mul(valid, g), count); // (N, 1)
      const grad = mul(e, div(scale, s)); // (N, C)
      grad.backend.scatterAdd(grad.storage, dense(safeTargets).storage, dense(scale.neg()).storage, grad.shape[0], C, 1, 1);
      return [reshape(grad, logits.shape)];
    });
  });
}

/** LayerNorm over the last dim: (x - mean) / √(var + eps) · weight + bias, var biased as in the book. */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  checkFloat('layerNorm', x);
  const C = x.shape[x.ndim - 1];
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== 1 || p.shape[0] !== C)) throw new Error(`layerNorm: ${name} ${shapeStr(p.shape)} does not fit the last dim of input ${shapeStr(x.shape)}`);
  }
  return opScope([x, weight, bias], () => {
    const m = mean(x, -1, true);
    const v = variance(x, -1, { unbiased: false, keepdim: true });
    let out = div(sub(x, m), v.add(eps).sqrt());
    if (weight) out = mul(out, weight);
    if (bias) out = out.add(bias);
    return out;
  });
}

export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

/** Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout). */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0 || opts.training === false) return x;
  const g = opts.generator ?? defaultGenerator;
  const keep = new Float32Array(x.size);
  const scale = 1 / (1 - p);
  for (let i = 0; i < keep.length; i++) keep[i] = g.uniform() >= p ? scale : 0;
  return opScope([x], () => mul(x, new Tensor(x.backend.fromArray(keep), x.shape)));
}

