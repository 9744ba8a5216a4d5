// Elementwise CPU kernels: one tight loop per op, chosen once per row.
import type { BinaryOp, UnaryOp } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';

export function unaryRow(op: UnaryOp, x: TypedArray, xi: number, xs: number, out: TypedArray, oi: number, n: number): void {
  const e = oi + n;
  switch (op) {
    case 'neg': for (let o = oi; o < e; o++, xi += xs) out[o] = -x[xi]; return;
    case 'exp': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.exp(x[xi]); return;
    case 'log': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.log(x[xi]); return;
    case 'sqrt': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.sqrt(x[xi]); return;
    case 'rsqrt': for (let o = oi; o < e; o++, xi += xs) out[o] = 1 / Math.sqrt(x[xi]); return;
    case 'tanh': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.tanh(x[xi]); return;
    case 'relu': for (let o = oi; o < e; o++, xi += xs) out[o] = x[xi] > 0 ? x[xi] : 0; return;
    case 'sigmoid': for (let o = oi; o < e; o++, xi += xs) out[o] = 1 / (1 + Math.exp(-x[xi])); return;
    case 'abs': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.abs(x[xi]); return;
    case 'sign': for (let o = oi; o < e; o++, xi += xs) out[o] = Math.sign(x[xi]); return;
    case 'cast': for (let o = oi; o < e; o++, xi += xs) out[o] = x[xi]; return; // typed arrays truncate toward zero
    default: throw new Error(`cpu backend: unknown unary op '${op as string}'`);
  }
}

export function binaryRow(
  op: BinaryOp, a: TypedArray, ai: number, as: number, b: TypedArray, bi: number, bs: number, out: TypedArray, oi: number, n: number,
): void {
  const e = oi + n;
  switch (op) {
    case 'add': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] + b[bi]; return;
    case 'sub': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] - b[bi]; return;
    case 'mul': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] * b[bi]; return;
    case 'div': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] / b[bi]; return;
    case 'pow': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = Math.pow(a[ai], b[bi]); return;
    case 'maximum': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] > b[bi] || a[ai] !== a[ai] ? a[ai] : b[bi]; return;
    case 'minimum': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] < b[bi] || a[ai] !== a[ai] ? a[ai] : b[bi]; return;
    case 'eq': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] === b[bi] ? 1 : 0; return;
    case 'ne': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] !== b[bi] ? 1 : 0; return;
    case 'lt': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] < b[bi] ? 1 : 0; return;
    case 'le': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] <= b[bi] ? 1 : 0; return;
    case 'gt': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] > b[bi] ? 1 : 0; return;
    case 'ge': for (let o = oi; o < e; o++, ai += as, bi += bs) out[o] = a[ai] >= b[bi] ? 1 : 0; return;
    default: throw new Error(`cpu backend: unknown binary op '${op as string}'`);
  }
}
