// Index kernels over (outer, size, inner) blocks. Out-of-range indices cannot throw on a GPU: the
// kernel skips them (selects read 0) and records the first one in the index-error flag, which the
// next read() turns into the same RangeError the CPU backend throws.
//
// The scatter-adds are deterministic, without atomics: each destination element is summed by the
// one thread that owns it, adding the sources in index order, exactly as the CPU loop does, so the
// two backends agree bit for bit.
//  - indexAdd (embedding backward): a first pass links each index position j to the next position
//    with the same index and marks the first of each run (O(n²) compares for n indices); then the
//    thread of (first j, element) walks the chain.
//  - scatterAdd (gather backward, n is usually 1): the thread of (o, j, i) owns the destination
//    element if j is the first position in its column with that index, and scans the column.
import { INDEX_OPS, type KernelSpec } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import { ELEMENTWISE_WORKGROUP as WG } from './strided.js';
import { wgslType } from '../wgsl.js';

const code = (op: (typeof INDEX_OPS)[number]) => INDEX_OPS.indexOf(op);
const BLOCK_PARAMS = [['outer', 'u32'], ['size', 'u32'], ['inner', 'u32'], ['n', 'u32'], ['total', 'u32']] as const;

// one thread per output element (o, j, e) of (outer, n, inner)
const SPLIT = `
  let t = group * ${WG}u + li;
  if (t >= P.total) { return; }
  let e = t % P.inner;
  let oj = t / P.inner;
  let j = oj % P.n;
  let o = oj / P.n;`;

function selectSpec(op: 'indexSelect' | 'gather'): KernelSpec {
  const idx = op === 'indexSelect' ? 'ld_index(j)' : 'ld_index(t)';
  return {
    key: op,
    buffers: [{ name: 'x', type: 'u32', access: 'read' }, { name: 'index', type: 'i32', access: 'read' }, { name: 'out', type: 'u32', access: 'write' }],
    params: BLOCK_PARAMS,
    workgroup: [WG, 1, 1],
    indexCheck: true,
    body: () => `${SPLIT}
  let r = ${idx};
  if (r < 0i || u32(r) >= P.size) {
    badIndex(${code(op)}u, r, P.size);
    st_out(t, 0u);
    return;
  }
  st_out(t, ld_x((o * P.size + u32(r)) * P.inner + e));`,
  };
}

function run(r: Runner, spec: KernelSpec, buffers: GpuStorage[], outer: number, size: number, inner: number, n: number): void {
  const total = outer * n * inner;
  if (total === 0) return;
  r.run(spec, buffers, [outer, size, inner, n, total], Math.ceil(total / WG));
}

export function indexSelect(r: Runner, x: GpuStorage, index: GpuStorage, outer: number, size: number, inner: number, n: number, out: GpuStorage): void {
  run(r, selectSpec('indexSelect'), [x, index, out], outer, size, inner, n);
}

export function gather(r: Runner, x: GpuStorage, index: GpuStorage, outer: number, size: number, inner: number, n: number, out: GpuStorage): void {
  run(r, selectSpec('gather'), [x, index, out], outer, size, inner, n);
}

/** links (2n): [j] = the next position with index[j] (n if none); [n + j] = 1 if j is the first of its index. */
const LINK_SPEC: KernelSpec = {
  key: 'indexAdd_links',
  buffers: [{ name: 'index', type: 'i32', access: 'read' }, { name: 'links', type: 'u32', access: 'write' }],
  params: [['size', 'u32'], ['n', 'u32']],
  workgroup: [WG, 1, 1],
  indexCheck: true,
  body: () => `
  let j = group * ${WG}u + li;
  if (j >= P.n) { return; }
  let r = ld_index(j);
  let valid = r >= 0i && u32(r) < P.size;
  if (!valid) { badIndex(${code('indexAdd')}u, r, P.size); }
  var first = valid;
  var next = P.n;
  for (var q = 0u; q < P.n; q = q + 1u) {
    if (ld_index(q) == r) {
      if (q < j) { first = false; }
      if (q > j && next == P.n) { next = q; }
    }
  }
  st_links(j, next);
  st_links(P.n + j, select(0u, 1u, first));`,
};

function indexAddSpec(t: 'f32' | 'i32'): KernelSpec {
  return {
    key: `indexAdd_${t}`,
    buffers: [
      { name: 'dst', type: t, access: 'readwrite' }, { name: 'index', type: 'i32', access: 'read' },
      { name: 'src', type: t, access: 'read' }, { name: 'links', type: 'u32', access: 'read' },
    ],
    params: BLOCK_PARAMS,
    workgroup: [WG, 1, 1],
    body: () => `${SPLIT}
  if (ld_links(P.n + j) == 0u) { return; }
  let d = (o * P.size + u32(ld_index(j))) * P.inner + e;
  var acc = ld_dst(d);
  var c = j;
  loop {
    acc = acc + ld_src((o * P.n + c) * P.inner + e);
    c = ld_links(c);
    if (c >= P.n) { break; }
  }
  st_dst(d, acc);`,
  };
}

export function indexAdd(r: Runner, dst: GpuStorage, index: GpuStorage, src: GpuStorage, outer: number, size: number, inner: number, n: number): void {
  if (n === 0 || outer * inner === 0) return;
  const links = r.temp(2 * n, 'int32');
  r.run(LINK_SPEC, [index, links], [size, n], Math.ceil(n / WG));
  run(r, indexAddSpec(wgslType(dst.dtype)), [dst, index, src, links], outer, size, inner, n);
  r.release(links);
}

function scatterAddSpec(t: 'f32' | 'i32'): KernelSpec {
  return {
    key: `scatterAdd_${t}`,
    buffers: [{ name: 'dst', type: t, access: 'readwrite' }, { name: 'index', type: 'i32', access: 'read' }, { name: 'src', type: t, access: 'read' }],
    params: BLOCK_PARAMS,
    workgroup: [WG, 1, 1],
    indexCheck: true,
    body: () => `${SPLIT}
  let r = ld_index(t);
  if (r < 0i || u32(r) >= P.size) { badIndex(${code('scatterAdd')}u, r, P.size); return; }
  let col = o * P.n * P.inner + e; // element (o, q, e) of index/src is at col + q * inner
  for (var q = 0u; q < j; q = q + 1u) {
    if (ld_index(col + q * P.inner) == r) { return; } // an earlier position owns this destination
  }
  let d = (o * P.size + u32(r)) * P.inner + e;
  var acc = ld_dst(d);
  for (var q = j; q < P.n; q = q + 1u) {
    if (ld_index(col + q * P.inner) == r) { acc = acc + ld_src(col + q * P.inner); }
  }
  st_dst(d, acc);`,
  };
}

export function scatterAdd(r: Runner, dst: GpuStorage, index: GpuStorage, src: GpuStorage, outer: number, size: number, inner: number, n: number): void {
  run(r, scatterAddSpec(wgslType(dst.dtype)), [dst, index, src], outer, size, inner, n);
}
