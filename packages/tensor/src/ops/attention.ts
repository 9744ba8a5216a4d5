// Scaled dot-product attention, causal: softmax(scale · q kᵀ) v, where query i (at position
// offset + i) sees keys [0, offset + i]; with fewer key/value heads than query heads, each serves
// a group of query heads (grouped-query attention). Composed from matmul and the causal softmax (the path
// autograd records, and the reference); without gradients a backend's fused `attention` kernel
// computes it a query row at a time, never building the (Tq, Tk) weights.
import { isGradEnabled } from '../autograd.js';
import { shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { matmul } from './matmul.js';
import { causalSoftmax } from './nn.js';
import { checkFloat, opScope, sameBackend, uninitStorage } from './util.js';

export interface AttentionOptions {
  /** Multiplies the scores before the softmax (default 1/√D). */
  scale?: number;
  /** Query i sees keys [0, i + offset] (default Tk − Tq: the queries are the last Tq positions). */
  offset?: number;
  /** Keys that batch row b sees at most (B numbers): rows of a batch with contexts of different lengths. */
  lengths?: readonly number[];
}

/** q (B, H, Tq, D), k and v (B, KV, Tk, D) with KV dividing H → (B, H, Tq, D). */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  const be = sameBackend(op, q, k, v);
  for (const t of [q, k, v]) checkFloat(op, t);
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) {
    throw new Error(`${op}: expected q (B, H, Tq, D), k and v (B, KV, Tk, D), got ${shapeStr(q.shape)}, ${shapeStr(k.shape)}, ${shapeStr(v.shape)}`);
  }
  const [B, H, Tq, D] = q.shape, [, KV, Tk] = k.shape;
  if (k.shape[0] !== B || KV === 0 || H % KV !== 0 || k.shape[3] !== D || shapeStr(v.shape) !== shapeStr(k.shape)) {
    throw new Error(`${op}: k and v must be (${B}, KV, Tk, ${D}) with KV dividing ${H} (q ${shapeStr(q.shape)}), got ${shapeStr(k.shape)} and ${shapeStr(v.shape)}`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(D), offset = opts.offset ?? Tk - Tq;
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${op}: offset must be a non-negative integer, got ${offset}`);
  const lengths = opts.lengths ?? null;
  if (lengths && (lengths.length !== B || !lengths.every((n) => Number.isInteger(n) && n >= 0))) {
    throw new RangeError(`${op}: lengths must be ${B} non-negative integers (one per batch row), got [${lengths.join(', ')}]`);
  }
  const needsGrad = isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad);
  if (!needsGrad && be.attention && q.size > 0 && Tk > 0) {
    const out = uninitStorage(be, B * Tq * H * D, 'float32'); // (B, Tq, H, D), written in full: heads merged by a view
    if (be.attention(q, k, v, scale, offset, lengths, out)) return new Tensor(out, [B, H, Tq, D], [Tq * H * D, D, H * D, 1]);
    be.free(out);
  }
  const G = H / KV; // query heads per key/value head
  return opScope([q, k, v], () => {
    // each KV head's G query heads as one (G·Tq)-row matrix: no copy of the keys per query head
    let scores = matmul(q.reshape(B, KV, G * Tq, D), k.transpose(2, 3)).view(B, KV, G, Tq, Tk);
    if (lengths) {
      // (B, 1, 1, 1, Tk): 0 where the row sees the key, −∞ past its length
      const bias = new Float32Array(B * Tk);
      lengths.forEach((n, b) => bias.fill(-Infinity, b * Tk + Math.min(n, Tk), (b + 1) * Tk));
      scores = add(scores, new Tensor(be.fromArray(bias), [B, 1, 1, 1, Tk]));
    }
    const weights = causalSoftmax(scores, { scale, offset }).view(B, KV, G * Tq, Tk);
    return matmul(weights, v).view(B, H, Tq, D);
  });
}
