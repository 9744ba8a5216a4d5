// Finite-difference gradient checks. The scalar f = Σ fn(inputs) · w (w fixed random weights)
// is evaluated in float64 on the test side from the float32 outputs; each float32 input element
// is perturbed by ±eps (the step actually taken is the float32-rounded one), and the central
// difference is compared with the gradient backward() gives.
//
// Honest float32 tolerances: an output carries a relative rounding error of ~1e-7 (a few ulps
// for composite ops), so f's error is ~1e-6 for these small tensors, ~5e-5 after dividing by
// 2·eps = 0.02; the truncation error of a central difference is eps²/6·f''' ≈ 2e-5·f'''. Hence
// eps = 1e-2 with |analytic - numeric| <= 1e-3 + 1e-2·|numeric|, on inputs kept more than eps
// away from kinks (relu at 0, ties of max) and from singularities (log, sqrt near 0).
import { expect } from 'vitest';
import { fromTypedArray, noGrad, type Tensor, tidy } from '../../src/index.js';
import { floats } from './ref.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the output weights w. */
  seed?: number;
}

export async function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): Promise<void> {
  const { eps = 1e-2, atol = 1e-3, rtol = 1e-2, seed = 99 } = opts;
  const checked = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  expect(checked.length, 'gradcheck needs at least one input with requiresGrad').toBeGreaterThan(0);
  for (const i of checked) inputs[i].zeroGrad();

  // analytic: the vector-Jacobian product with w
  let w: Float32Array = new Float32Array(0);
  tidy(() => {
    const out = fn(...inputs);
    w = floats(out.size, seed, -1, 1);
    out.backward(fromTypedArray(w, out.shape, { backend: out.backend }));
  });

  const f = async (xs: Tensor[]): Promise<number> => {
    const y = tidy(() => noGrad(() => fn(...xs)));
    const d = await y.data();
    if (!xs.includes(y)) y.dispose();
    let s = 0;
    for (let k = 0; k < d.length; k++) s += d[k] * w[k];
    return s;
  };

  for (const i of checked) {
    const x = inputs[i];
    expect(x.grad, `input ${i} got no gradient`).not.toBeNull();
    const analytic = await x.grad!.data();
    const base = await x.data();
    const at = async (j: number, v: number): Promise<number> => {
      const d = Float32Array.from(base);
      d[j] = v;
      const xs = [...inputs];
      xs[i] = fromTypedArray(d, x.shape, { backend: x.backend });
      try {
        return await f(xs);
      } finally {
        xs[i].dispose();
      }
    };
    const bad: string[] = [];
    for (let j = 0; j < base.length; j++) {
      const hp = Math.fround(base[j] + eps), hm = Math.fround(base[j] - eps);
      const numeric = ((await at(j, hp)) - (await at(j, hm))) / (hp - hm);
      const err = Math.abs(analytic[j] - numeric);
      if (!(err <= atol + rtol * Math.abs(numeric)) && bad.length < 5) bad.push(`[${j}] backward ${analytic[j]}, finite difference ${numeric}`);
    }
    if (bad.length) expect.fail(`gradient of input ${i} ${JSON.stringify(x.shape)} differs from finite differences: ${bad.join('; ')}`);
  }
}
