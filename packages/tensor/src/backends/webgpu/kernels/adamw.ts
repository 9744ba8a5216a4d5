// Fused AdamW step (torch.optim.AdamW): moments, bias correction and decoupled weight decay in one
// pass over param, grad, m and v. The step's scalars are folded on the CPU in float64.
import type { AdamWParams } from '../../../backend.js';
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import { ELEMENTWISE_WORKGROUP as WG } from './strided.js';

const SPEC: KernelSpec = {
  key: 'adamw',
  buffers: [
    { name: 'p', type: 'f32', access: 'readwrite' }, { name: 'g', type: 'f32', access: 'read' },
    { name: 'm', type: 'f32', access: 'readwrite' }, { name: 'v', type: 'f32', access: 'readwrite' },
  ],
  params: [['n', 'u32'], ['beta1', 'f32'], ['beta2', 'f32'], ['oneMinusBeta1', 'f32'], ['oneMinusBeta2', 'f32'],
    ['stepSize', 'f32'], ['bc2Sqrt', 'f32'], ['eps', 'f32'], ['decay', 'f32']],
  workgroup: [WG, 1, 1],
  body: () => `
  let i = group * ${WG}u + li;
  if (i >= P.n) { return; }
  let g = ld_g(i);
  let m = P.beta1 * ld_m(i) + P.oneMinusBeta1 * g;
  let v = P.beta2 * ld_v(i) + P.oneMinusBeta2 * g * g;
  st_m(i, m);
  st_v(i, v);
  st_p(i, ld_p(i) * P.decay - (P.stepSize * m) / (sqrt(v) / P.bc2Sqrt + P.eps));`,
};

export function adamw(r: Runner, param: GpuStorage, grad: GpuStorage, m: GpuStorage, v: GpuStorage, h: AdamWParams): void {
  const n = param.size;
  for (const [name, s] of [['grad', grad], ['m', m], ['v', v]] as const) {
    if (s.size !== n) throw new Error(`webgpu adamw: ${name} has ${s.size} elements, param has ${n}`);
  }
  if (n === 0) return;
  const bc1 = 1 - Math.pow(h.beta1, h.step);
  const params = [n, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.lr / bc1, Math.sqrt(1 - Math.pow(h.beta2, h.step)), h.eps, 1 - h.lr * h.weightDecay];
  r.run(SPEC, [param, grad, m, v], params, Math.ceil(n / WG));
}
