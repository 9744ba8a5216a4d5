// Batched matmul: out (batch, m, n) = A (m, k) @ B (k, n), with A and/or B read transposed in
// place (flags in the layout, different index math in the WGSL, no copies) and a batch stride of
// 0 broadcasting one matrix. A workgroup computes a 64 x 64 tile of out, each of its 16 x 16
// threads a 4 x 4 block held in registers; with a bias (n), a Linear layer's, each thread adds it
// to its block as it stores it (the fused matmulBias: no second pass over out). Two ways to feed them:
//  - 'tiled': A and B tiles staged through workgroup memory (what a real GPU wants);
//  - 'registers': every thread reads its rows/columns from global memory (faster on lavapipe,
//    where workgroup barriers are expensive in software).
import type { MatmulLayout } from '../../../backend.js';
import type { KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';

export type MatmulKind = 'tiled' | 'registers';

const TILE = 64, BK = 16;

const aIndex = (transA: boolean, i: string, p: string) => (transA ? `aBase + (${p}) * P.m + (${i})` : `aBase + (${i}) * P.k + (${p})`);
const bIndex = (transB: boolean, p: string, j: string) => (transB ? `bBase + (${j}) * P.k + (${p})` : `bBase + (${p}) * P.n + (${j})`);

const PARAMS = [['m', 'u32'], ['n', 'u32'], ['k', 'u32'], ['aOff', 'u32'], ['bOff', 'u32'], ['aBS', 'u32'], ['bBS', 'u32'], ['batchBase', 'u32'], ['biasOff', 'u32']] as const;

const buffers = (bias: boolean): KernelSpec['buffers'] => [
  { name: 'a', type: 'f32', access: 'read' }, { name: 'b', type: 'f32', access: 'read' },
  ...(bias ? [{ name: 'bias', type: 'f32' as const, access: 'read' as const }] : []),
  { name: 'out', type: 'f32', access: 'write' },
];

/** Stores acc[r][c] at (row, col), plus the column's bias when there is one. */
const store = (bias: boolean) => `if (row < P.m && col < P.n) { st_out(oBase + row * P.n + col, acc[r][c]${bias ? ' + ld_bias(P.biasOff + col)' : ''}); }`;

const PROLOGUE = `
  let batch = wg.z + P.batchBase;
  let aBase = P.aOff + batch * P.aBS;
  let bBase = P.bOff + batch * P.bBS;
  let oBase = batch * P.m * P.n;
  var acc: array<vec4f, 4>;`;

function tiledSpec(transA: boolean, transB: boolean, bias: boolean): KernelSpec {
  // global → workgroup loads walk the operand's contiguous axis across neighbouring threads
  const aMap = transA ? ['e % 64u', 'e / 64u'] : ['e / 16u', 'e % 16u']; // [row, p]
  const bMap = transB ? ['e / 16u', 'e % 16u'] : ['e % 64u', 'e / 64u']; // [col, p]
  return {
    key: `matmul_tiled_${+transA}${+transB}${bias ? '_bias' : ''}`,
    buffers: buffers(bias),
    params: PARAMS,
    workgroup: [16, 16, 1],
    module: () => `var<workgroup> As: array<f32, ${TILE * BK}>; // [p * 64 + row]\nvar<workgroup> Bs: array<f32, ${TILE * BK}>; // [p * 64 + col]`,
    body: () => `${PROLOGUE}
  let tileRow = wg.y * ${TILE}u;
  let tileCol = wg.x * ${TILE}u;
  for (var k0 = 0u; k0 < P.k; k0 = k0 + ${BK}u) {
    for (var t = 0u; t < 4u; t = t + 1u) {
      let e = li + t * 256u;
      let ar = tileRow + ${aMap[0]};
      let ap = k0 + ${aMap[1]};
      let av = ld_a(${aIndex(transA, 'min(ar, P.m - 1u)', 'min(ap, P.k - 1u)')});
      As[(${aMap[1]}) * 64u + ${aMap[0]}] = select(0.0, av, ar < P.m && ap < P.k);
      let bc = tileCol + ${bMap[0]};
      let bp = k0 + ${bMap[1]};
      let bv = ld_b(${bIndex(transB, 'min(bp, P.k - 1u)', 'min(bc, P.n - 1u)')});
      Bs[(${bMap[1]}) * 64u + ${bMap[0]}] = select(0.0, bv, bc < P.n && bp < P.k);
    }
    workgroupBarrier();
    for (var p = 0u; p < ${BK}u; p = p + 1u) {
      let bv = vec4f(Bs[p * 64u + lid.x], Bs[p * 64u + lid.x + 16u], Bs[p * 64u + lid.x + 32u], Bs[p * 64u + lid.x + 48u]);
      for (var r = 0u; r < 4u; r = r + 1u) {
        acc[r] = fma(vec4f(As[p * 64u + lid.y + 16u * r]), bv, acc[r]);
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r = r + 1u) {
    let row = tileRow + lid.y + 16u * r;
    for (var c = 0u; c < 4u; c = c + 1u) {
      let col = tileCol + lid.x + 16u * c;
      ${store(bias)}
    }
  }`,
  };
}

function registersSpec(transA: boolean, transB: boolean, bias: boolean): KernelSpec {
  return {
    key: `matmul_registers_${+transA}${+transB}${bias ? '_bias' : ''}`,
    buffers: buffers(bias),
    params: PARAMS,
    workgroup: [16, 16, 1],
    body: () => `${PROLOGUE}
  let row0 = wg.y * ${TILE}u + lid.y * 4u;
  let col0 = wg.x * ${TILE}u + lid.x * 4u;
  if (row0 >= P.m || col0 >= P.n) { return; }
  // rows/columns past the edge read a valid neighbour; their results are never stored
  let i0 = row0; let i1 = min(row0 + 1u, P.m - 1u); let i2 = min(row0 + 2u, P.m - 1u); let i3 = min(row0 + 3u, P.m - 1u);
  let j0 = col0; let j1 = min(col0 + 1u, P.n - 1u); let j2 = min(col0 + 2u, P.n - 1u); let j3 = min(col0 + 3u, P.n - 1u);
  for (var p = 0u; p < P.k; p = p + 1u) {
    let av = vec4f(ld_a(${aIndex(transA, 'i0', 'p')}), ld_a(${aIndex(transA, 'i1', 'p')}), ld_a(${aIndex(transA, 'i2', 'p')}), ld_a(${aIndex(transA, 'i3', 'p')}));
    let bv = vec4f(ld_b(${bIndex(transB, 'p', 'j0')}), ld_b(${bIndex(transB, 'p', 'j1')}), ld_b(${bIndex(transB, 'p', 'j2')}), ld_b(${bIndex(transB, 'p', 'j3')}));
    acc[0] = fma(vec4f(av.x), bv, acc[0]);
    acc[1] = fma(vec4f(av.y), bv, acc[1]);
    acc[2] = fma(vec4f(av.z), bv, acc[2]);
    acc[3] = fma(vec4f(av.w), bv, acc[3]);
  }
  for (var r = 0u; r < 4u; r = r + 1u) {
    let row = row0 + r;
    for (var c = 0u; c < 4u; c = c + 1u) {
      let col = col0 + c;
      ${store(bias)}
    }
  }`,
  };
}

/** out = A @ B (+ bias (n) from biasOffset, added to every row of every batch matrix). */
export function matmul(r: Runner, kind: MatmulKind, a: GpuStorage, b: GpuStorage, out: GpuStorage, l: MatmulLayout, bias: GpuStorage | null = null, biasOffset = 0): void {
  const gx = Math.ceil(l.n / TILE), gy = Math.ceil(l.m / TILE);
  if (gx === 0 || gy === 0 || l.batch === 0) return;
  if (gx > r.maxGrid || gy > r.maxGrid) throw new Error(`webgpu matmul: ${l.m} x ${l.n} output is too large for one dispatch (at most ${r.maxGrid * TILE} rows and columns)`);
  const spec = (kind === 'tiled' ? tiledSpec : registersSpec)(l.transA, l.transB, bias !== null);
  const buffers = bias ? [a, b, bias, out] : [a, b, out];
  for (let base = 0; base < l.batch; base += r.maxGrid) {
    const gz = Math.min(r.maxGrid, l.batch - base);
    r.run(spec, buffers, [l.m, l.n, l.k, l.aOffset, l.bOffset, l.aBatchStride, l.bBatchStride, base, biasOffset], [gx, gy, gz]);
  }
}
