// Elementwise ops with NumPy broadcasting. Each op: its kernel call, then its gradient rule.
import { noGrad, record } from '../autograd.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import type { DType } from '../dtype.js';
import { tidy } from '../memory.js';
import { broadcastShapes, broadcastStrides } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, checkDTypes, checkFloat, dense, empty, opScope, sameBackend, sumToShape, uninit } from './util.js';

function broadcastView(t: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(t.storage, shape, broadcastStrides(t.shape, t.strides, shape), t.offset);
}

function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDType?: DType): Tensor {
  const backend = sameBackend(op, a, b);
  checkDTypes(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = uninit(backend, shape, outDType ?? a.dtype);
  const av = broadcastView(a, shape), bv = broadcastView(b, shape);
  backend.binary(op, av, bv, out.storage);
  av.dispose();
  bv.dispose();
  return out;
}

/** exp, log, tanh, ... of an int32 tensor would be truncated back to integers: refuse instead. */
function floatKernel(op: UnaryOp, x: Tensor): Tensor {
  checkFloat(op, x);
  return unaryKernel(op, x);
}

export function unaryKernel(op: UnaryOp, x: Tensor, outDType: DType = x.dtype): Tensor {
  x.assertAlive(op);
  const out = uninit(x.backend, x.shape, outDType);
  x.backend.unary(op, x, out.storage);
  return out;
}

type Operand = Tensor | number;

/** f(y as a tensor); a number becomes a scalar tensor, freed with the op's temporaries. */
function withOperand(x: Tensor, y: Operand, op: string, f: (b: Tensor) => Tensor): Tensor {
  if (typeof y !== 'number') return f(asTensor(y, x, op));
  return opScope([x], () => f(asTensor(y, x, op)));
}

export function add(x: Tensor, y: Operand): Tensor {
  return withOperand(x, y, 'add', (b) => {
    const out = binaryKernel('add', x, b);
    return record(out, 'add', [x, b], (g) => [sumToShape(g, x.shape), sumToShape(g, b.shape)]);
  });
}

export function sub(x: Tensor, y: Operand): Tensor {
  return withOperand(x, y, 'sub', (b) => {
    const out = binaryKernel('sub', x, b);
    return record(out, 'sub', [x, b], (g) => [sumToShape(g, x.shape), b.requiresGrad ? sumToShape(neg(g), b.shape) : null]);
  });
}

export function mul(x: Tensor, y: Operand): Tensor {
  return withOperand(x, y, 'mul', (b) => {
    const out = binaryKernel('mul', x, b);
    return record(out, 'mul', [x, b], (g) => [
      x.requiresGrad ? sumToShape(mul(g, b), x.shape) : null,
      b.requiresGrad ? sumToShape(mul(g, x), b.shape) : null,
    ]);
  });
}

export function div(x: Tensor, y: Operand): Tensor {
  return withOperand(x, y, 'div', (b) => {
    const out = binaryKernel('div', x, b);
    // d(x/b)/dx = 1/b, d(x/b)/db = -x/b² = -out/b
    return record(out, 'div', [x, b], (g) => [
      x.requiresGrad ? sumToShape(div(g, b), x.shape) : null,
      b.requiresGrad ? sumToShape(neg(div(mul(g, out), b)), b.shape) : null,
    ]);
  });
}

export function pow(x: Tensor, y: Operand): Tensor {
  checkFloat('pow', x);
  return withOperand(x, y, 'pow', (b) => {
    const out = binaryKernel('pow', x, b);
    // d(x^b)/dx = b·x^(b-1), d(x^b)/db = x^b·ln x
    return record(out, 'pow', [x, b], (g) => [
      x.requiresGrad ? sumToShape(mul(g, mul(b, pow(x, sub(b, 1)))), x.shape) : null,
      b.requiresGrad ? sumToShape(mul(g, mul(out, log(x))), b.shape) : null,
    ]);
  });
}

function selectGrad(op: 'maximum' | 'minimum', x: Tensor, y: Operand): Tensor {
  return withOperand(x, y, op, (b) => {
    const out = binaryKernel(op, x, b);
    return record(out, op, [x, b], (g) => {
      const pick = binaryKernel(op === 'maximum' ? 'ge' : 'le', x, b); // ties go to x
      const gx = mul(g, pick);
      const gb = sub(g, gx);
      return [sumToShape(gx, x.shape), sumToShape(gb, b.shape)];
    });
  });
}
export const maximum = (x: Tensor, y: Operand) => selectGrad('maximum', x, y);
export const minimum = (x: Tensor, y: Operand) => selectGrad('minimum', x, y);

export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  return opScope([x], () => {
    let out = x;
    if (min !== undefined) out = maximum(out, min);
    if (max !== undefined) out = minimum(out, max);
    return out === x ? x.clone() : out;
  });
}

// Comparisons give a float32 0/1 mask and carry no gradient.
const compare = (op: BinaryOp) => (x: Tensor, y: Operand) =>
  typeof y === 'number' ? opScope([], () => binaryKernel(op, x, asTensor(y, x, op), 'float32')) : binaryKernel(op, x, y, 'float32');
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');

export function neg(x: Tensor): Tensor {
  return record(unaryKernel('neg', x), 'neg', [x], (g) => [neg(g)]);
}
export function exp(x: Tensor): Tensor {
  const out = floatKernel('exp', x);
  return record(out, 'exp', [x], (g) => [mul(g, out)]);
}
export function log(x: Tensor): Tensor {
  return record(floatKernel('log', x), 'log', [x], (g) => [div(g, x)]);
}
export function sqrt(x: Tensor): Tensor {
  const out = floatKernel('sqrt', x);
  return record(out, 'sqrt', [x], (g) => [div(g, mul(out, 2))]); // 1 / (2√x)
}
export function rsqrt(x: Tensor): Tensor {
  const out = floatKernel('rsqrt', x);
  return record(out, 'rsqrt', [x], (g) => [mul(g, mul(pow(out, 3), -0.5))]); // -½ x^(-3/2)
}
export function tanh(x: Tensor): Tensor {
  const out = floatKernel('tanh', x);
  return record(out, 'tanh', [x], (g) => [mul(g, add(neg(mul(out, out)), 1))]); // 1 - tanh²
}
export function sigmoid(x: Tensor): Tensor {
  const out = floatKernel('sigmoid', x);
  return record(out, 'sigmoid', [x], (g) => [mul(g, sub(out, mul(out, out)))]); // σ(1 - σ)
}
export function relu(x: Tensor): Tensor {
  return record(unaryKernel('relu', x), 'relu', [x], (g) => [mul(g, gt(x, 0))]);
}
// GELU, tanh approximation (GPT-2's): gelu(x) = 0.5x(1 + tanh u), u = √(2/π)(x + 0.044715x³).
// Not a backend primitive: forward and backward each run the backend's fused kernel where it has
// one, else compose primitives, through 0.5(1 + tanh u) = σ(2u), which keeps
// its precision in the negative tail where 1 + tanh u cancels:
//   gelu(x)  = x·s,                       s = σ(2u), 2u = x·(K + K·A·x²)
//   gelu′(x) = s + x·s(1 − s)·2u′ = s·(1 + (x − x·s)·2u′),  2u′ = K + 3K·A·x²
const GELU_K = 2 * Math.sqrt(2 / Math.PI), GELU_A = 0.044715;
/** The fused kernels read contiguous elements: a strided operand (e.g. sum's broadcast gradient) is copied once, not composed. */
const packed = (t: Tensor): Tensor => (t.isContiguous ? t : dense(t));

export function gelu(x: Tensor): Tensor {
  checkFloat('gelu', x);
  x.assertAlive('gelu');
  const be = x.backend;
  let out: Tensor | null = null;
  if (be.gelu && x.size > 0) {
    const c = packed(x);
    out = uninit(be, x.shape, 'float32');
    if (!be.gelu(c.storage, c.offset, x.size, out.storage)) { out.dispose(); out = null; }
    if (c !== x) c.dispose();
  }
  // composed, without a graph of its own: the gradient is the rule below
  out ??= noGrad(() => tidy(() => mul(x, sigmoid(mul(x, add(mul(mul(x, x), GELU_K * GELU_A), GELU_K))))));
  return record(out, 'gelu', [x], (g) => [geluBackward(x, g)]);
}

/** g ⊙ gelu′(x): one fused kernel where the backend has it, else composed (formula above). */
function geluBackward(x: Tensor, g: Tensor): Tensor {
  const be = x.backend;
  if (be.geluBackward && x.size > 0) {
    const xp = packed(x), gp = packed(g); // freed by backward with the rule's other temporaries
    const dx = uninit(be, x.shape, 'float32');
    if (be.geluBackward(xp.storage, xp.offset, gp.storage, gp.offset, x.size, dx.storage)) return dx;
    dx.dispose();
  }
  // gelu′ is 1 or 0 to float32 beyond |x| = 10: clamping there changes nothing and keeps x³ finite (no 0·∞)
  const xc = clamp(x, -20, 20);
  const x2 = mul(xc, xc);
  const s = sigmoid(mul(xc, add(mul(x2, GELU_K * GELU_A), GELU_K)));
  const du2 = add(mul(x2, 3 * GELU_K * GELU_A), GELU_K);
  return mul(g, mul(s, add(mul(sub(xc, mul(xc, s)), du2), 1)));
}
export function abs(x: Tensor): Tensor {
  return record(unaryKernel('abs', x), 'abs', [x], (g) => [mul(g, unaryKernel('sign', x))]);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return unaryKernel('cast', x, dtype);
}

export function fullLike(x: Tensor, value: number): Tensor {
  const out = empty(x.backend, x.shape, x.dtype);
  if (value !== 0) x.backend.fill(out, value);
  return out;
}

/** cond ? a : b, broadcasting all three; cond is a 0/1 mask (any dtype). */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const tensors = [a, b].filter((t): t is Tensor => t instanceof Tensor);
  if (tensors.length === 2) return whereKernel(cond, a as Tensor, b as Tensor);
  return opScope(tensors, () => {
    const like = tensors[0] ?? cond.float();
    return whereKernel(cond, asTensor(a, like, 'where'), asTensor(b, like, 'where'));
  });
}

function whereKernel(cond: Tensor, ta: Tensor, tb: Tensor): Tensor {
  const backend = sameBackend('where', cond, ta, tb);
  checkDTypes('where', ta, tb);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, ta.shape), tb.shape);
  const out = uninit(backend, shape, ta.dtype);
  const views = [cond, ta, tb].map((t) => broadcastView(t, shape));
  backend.where(views[0], views[1], views[2], out.storage);
  views.forEach((v) => v.dispose());
  return record(out, 'where', [ta, tb], (g) => {
    const zero = fullLike(g, 0);
    return [
      ta.requiresGrad ? sumToShape(where(cond, g, zero), ta.shape) : null,
      tb.requiresGrad ? sumToShape(where(cond, zero, g), tb.shape) : null,
    ];
  });
}

/** x with `value` where mask is non-zero (the causal mask uses -Infinity). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, value, x);
}
