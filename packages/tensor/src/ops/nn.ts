// Composite neural-network ops, built from the primitives above so their gradients come for
// free. Fused kernels may replace them where a benchmark says so, checked against these.
import { noGrad, record } from '../autograd.js';
import { tidy } from '../memory.js';
import { defaultGenerator, type Generator } from '../random.js';
import { normalizeDim, shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, exp, gt, log, maskedFill, mul, ne, sub, where } from './elementwise.js';
import { arange } from './creation.js';
import { layerNormFused, logSumExpFused, softmaxFused, softmaxScaledFused } from './fused.js';
import { gather } from './indexing.js';
import { reshape } from './movement.js';
import { max, mean, sum, variance } from './reduce.js';
import { checkFloat, dense, opScope, uninit } from './util.js';

/** softmax(x) = exp(x - max) / Σ exp(x - max): the max (a constant for the gradient) keeps exp finite. */
export function softmax(x: Tensor, dim = -1): Tensor {
  checkFloat('softmax', x);
  const d = normalizeDim('softmax', dim, x.ndim);
  return opScope([x], () => {
    if (d === x.ndim - 1) {
      const fused = softmaxFused(x, 1, null);
      if (fused) return fused;
    }
    const e = exp(sub(x, rowMax(x, d)));
    return div(e, sum(e, d, true));
  });
}

export interface CausalSoftmaxOptions {
  /** Multiplies the scores before the softmax (attention's 1/√d). Default 1. */
  scale?: number;
  /** Position of the first query among the keys: query i sees keys [0, i + offset]. Default Tk − Tq (the queries are the newest tokens). */
  offset?: number;
}

/**
 * softmax(scale · scores) over the last dim with the future masked: scores (..., Tq, Tk), query i
 * sees keys j ≤ i + offset. The same as maskedFill(causal mask, −∞) · scale then softmax, but a
 * fused kernel applies the mask inside the softmax: no (Tq, Tk) mask tensor and one pass.
 */
export function causalSoftmax(scores: Tensor, opts: CausalSoftmaxOptions = {}): Tensor {
  checkFloat('causalSoftmax', scores);
  if (scores.ndim < 2) throw new Error(`causalSoftmax: expected scores (..., Tq, Tk), got ${shapeStr(scores.shape)}`);
  const [Tq, Tk] = scores.shape.slice(-2);
  const scale = opts.scale ?? 1, offset = opts.offset ?? Tk - Tq;
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`causalSoftmax: offset must be a non-negative integer, got ${offset}`);
  return opScope([scores], () => {
    const fused = softmaxFused(scores, scale, { queries: Tq, offset });
    if (fused) return fused;
    // composed: mask[i, j] = j > i + offset
    const future = gt(arange(0, Tk, 1, { backend: scores.backend }).reshape(1, Tk), arange(offset, offset + Tq, 1, { backend: scores.backend }).reshape(Tq, 1));
    return softmax(mul(maskedFill(scores, future, -Infinity), scale), -1);
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
    const lse = logSumExpFused(flat); // (N, 1)
    if (lse) {
      const loss = noGrad(() => div(sum(mul(sub(gather(flat, 1, safeTargets), lse), valid)), count).neg());
      return record(loss, 'crossEntropy', [logits], (g) => {
        const scale = div(mul(valid, g), count); // (N, 1)
        const grad = softmaxScaledFused(flat, lse, scale);
        if (!grad) throw new Error('crossEntropy: the fused backward kernel failed after its forward ran');
        grad.backend.scatterAdd(grad.storage, dense(safeTargets).storage, dense(scale.neg()).storage, grad.shape[0], C, 1, 1);
        return [reshape(grad, logits.shape)];
      });
    }
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
    const fused = layerNormFused(x, weight, bias, eps);
    if (fused) return fused;
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
  const scale = 1 / (1 - p), be = x.backend;
  return opScope([x], () => {
    // the mask: drawn by the backend's kernel where it has one (the same numbers), else here
    let mask = be.dropoutMask && x.size > 0 ? uninit(be, x.shape, 'float32') : null;
    if (mask && !be.dropoutMask!(g.words, x.size, p, Math.fround(scale), mask.storage)) {
      mask.dispose();
      mask = null;
    }
    if (!mask) {
      const keep = new Float32Array(x.size);
      for (let i = 0; i < keep.length; i++) keep[i] = g.uniform() >= p ? scale : 0;
      mask = new Tensor(be.fromArray(keep), x.shape);
    }
    return mul(x, mask);
  });
}

