// A Linear layer's product: y = x Wᵀ + b with W stored (out, in), as torch.nn.functional.linear.
// Where the backend has matmulBias, the bias is added in the matmul's own pass (no second pass over
// y); else it composes matmul and add. Gradients: dx = g W, dW = gᵀ x (in W's own layout), db = Σ g.
import { record } from '../autograd.js';
import { shapeStr } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { matmul } from './matmul.js';
import { reshape, transpose } from './movement.js';
import { sum } from './reduce.js';
import { checkFloat, dense, opScope, sameBackend, uninit } from './util.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const be = sameBackend('linear', x, weight, ...(bias ? [bias] : []));
  checkFloat('linear', x);
  const [outF, inF] = weight.shape;
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== inF || (bias && (bias.ndim !== 1 || bias.shape[0] !== outF))) {
    throw new Error(`linear: input ${shapeStr(x.shape)}, weight ${shapeStr(weight.shape)} (out, in)${bias ? ` and bias ${shapeStr(bias.shape)}` : ''} do not fit`);
  }
  return opScope([x, weight, bias], () => {
    const composed = () => (bias ? add(matmul(x, transpose(weight, 0, 1)), bias) : matmul(x, transpose(weight, 0, 1)));
    if (!bias || !be.matmulBias || x.ndim < 2 || !x.isContiguous || !weight.isContiguous || x.size === 0) return composed();
    const rows = x.size / inF;
    const b = dense(bias);
    const out = uninit(be, [...x.shape.slice(0, -1), outF], 'float32');
    const ok = be.matmulBias(x.storage, weight.storage, b.storage, 0, out.storage, {
      batch: 1, m: rows, k: inF, n: outF, aOffset: x.offset, bOffset: weight.offset, transA: false, transB: true, aBatchStride: 0, bBatchStride: 0,
    });
    if (!ok) { out.dispose(); return composed(); }
    return record(out, 'linear', [x, weight, bias], (g) => {
      const g2 = reshape(g, [rows, outF]);
      const x2 = reshape(x, [rows, inF]);
      return [
        x.requiresGrad ? reshape(matmul(g2, weight), x.shape) : null,
        weight.requiresGrad ? matmul(transpose(g2, 0, 1), x2) : null, // (out, in): W's own layout
        bias.requiresGrad ? sum(g2, 0) : null,
      ];
    });
  });
}
