// Every op against PyTorch: forward values and the gradients of sum(output · gradOutput), from
// test/fixtures/torch-ops.json (written by scripts/fixtures/tensor_ops.py in float64 from
// float32 inputs). Our float32 results must agree to float32 accuracy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { testBackends, useBackend } from './helpers/backends.js';
import { expectClose } from './helpers/close.js';

interface FixtureTensor { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }
interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: FixtureTensor[];
  requiresGrad: boolean[];
  gradOutput: FixtureTensor | null;
  output: FixtureTensor;
  grads: (FixtureTensor | null)[];
  outputIndices?: FixtureTensor;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-ops.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Result = Tensor | { values: Tensor; indices: Tensor };
type Args = Record<string, any>;

const unary = (f: (x: Tensor) => Tensor) => ([x]: Tensor[]) => f(x);
const binary = (f: (a: Tensor, b: Tensor) => Tensor) => ([a, b]: Tensor[]) => f(a, b);

/** How each fixture op is spelled in @llm/tensor. */
const ops: Record<string, (xs: Tensor[], a: Args) => Result> = {
  add: binary(T.add), sub: binary(T.sub), mul: binary(T.mul), div: binary(T.div), pow: binary(T.pow),
  powScalar: ([x], a) => T.pow(x, a.exponent),
  neg: unary(T.neg), exp: unary(T.exp), log: unary(T.log), sqrt: unary(T.sqrt), rsqrt: unary(T.rsqrt),
  tanh: unary(T.tanh), relu: unary(T.relu), sigmoid: unary(T.sigmoid), gelu: unary(T.gelu),
  where: ([c, x, y]) => T.where(c, x, y),
  maskedFill: ([x, m], a) => T.maskedFill(x, m, a.value),
  sum: ([x], a) => T.sum(x, a.dims, a.keepdim),
  mean: ([x], a) => T.mean(x, a.dims, a.keepdim),
  var: ([x], a) => T.variance(x, a.dims, { unbiased: a.unbiased, keepdim: a.keepdim }),
  max: ([x], a) => ({ values: T.max(x, a.dim, a.keepdim), indices: T.argmax(x, a.dim, a.keepdim) }),
  min: ([x], a) => ({ values: T.min(x, a.dim, a.keepdim), indices: T.argmin(x, a.dim, a.keepdim) }),
  argmax: ([x], a) => T.argmax(x, a.dim, a.keepdim),
  topk: ([x], a) => T.topk(x, a.k, a.dim),
  matmul: binary(T.matmul),
  softmax: ([x], a) => T.softmax(x, a.dim),
  logSoftmax: ([x], a) => T.logSoftmax(x, a.dim),
  cat: (xs, a) => T.cat(xs, a.dim),
  stack: (xs, a) => T.stack(xs, a.dim),
  transpose: ([x], a) => T.transpose(x, a.dim0, a.dim1),
  permute: ([x], a) => T.permute(x, a.dims),
  reshape: ([x], a) => T.reshape(x, a.shape),
  narrow: ([x], a) => T.narrow(x, a.dim, a.start, a.length),
  expand: ([x], a) => T.expand(x, a.shape),
  unsqueeze: ([x], a) => T.unsqueeze(x, a.dim),
  squeeze: ([x], a) => T.squeeze(x, a.dim),
  tril: ([x], a) => T.tril(x, a.diagonal),
  triu: ([x], a) => T.triu(x, a.diagonal),
  gather: ([x, i], a) => T.gather(x, a.dim, i),
  indexSelect: ([x, i], a) => T.indexSelect(x, a.dim, i),
  embedding: ([w, ids]) => T.embedding(w, ids),
  crossEntropy: ([x, t], a) => T.crossEntropy(x, t, { ignoreIndex: a.ignoreIndex }),
  layerNorm: ([x, w, b], a) => T.layerNorm(x, w, b, a.eps),
};

const toTensor = (f: FixtureTensor, requiresGrad = false) =>
  T.fromTypedArray(f.dtype === 'int32' ? Int32Array.from(f.data) : Float32Array.from(f.data), f.shape, { requiresGrad });

// float32 against float64: a few ulps of the largest magnitudes involved
const forwardTol = { atol: 2e-5, rtol: 2e-5 };
const gradTol = { atol: 5e-5, rtol: 1e-4 };

describe('the PyTorch fixture file', () => {
  it('covers every op this suite knows how to call, and nothing unknown', () => {
    expect(fixture.cases.length).toBeGreaterThan(100);
    const seen = new Set(fixture.cases.map((c) => c.op));
    expect([...seen].filter((op) => !(op in ops))).toEqual([]);
    expect(Object.keys(ops).filter((op) => !seen.has(op))).toEqual([]);
  });
});

describe.each(testBackends())(`ops vs PyTorch ${fixture.torch} (%s)`, (backend) => {
  useBackend(backend);

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const inputs = c.inputs.map((f, i) => toTensor(f, c.requiresGrad[i]));
    const result = ops[c.op](inputs, c.args);
    const out = 'values' in result ? result.values : result;
    expect(out.shape, 'output shape').toEqual(c.output.shape);
    expect(out.dtype, 'output dtype').toBe(c.output.dtype);
    expectClose(await out.data(), c.output.data, c.output.dtype === 'int32' ? { atol: 0, rtol: 0 } : forwardTol, 'output');
    if (c.outputIndices) {
      expect('indices' in result, 'op returns indices').toBe(true);
      const indices = (result as { indices: Tensor }).indices;
      expect(indices.shape).toEqual(c.outputIndices.shape);
      expect(Array.from(await indices.data())).toEqual(c.outputIndices.data);
    }
    if (!c.gradOutput) return;
    out.backward(toTensor(c.gradOutput));
    for (const [i, g] of c.grads.entries()) {
      if (!g) continue;
      const got = inputs[i].grad;
      expect(got, `input ${i} has a gradient`).not.toBeNull();
      expect(got!.shape, `grad ${i} shape`).toEqual(g.shape);
      expectClose(await got!.data(), g.data, gradTol, `grad of input ${i}`);
    }
  });
});
