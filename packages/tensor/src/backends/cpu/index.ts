// The CPU backend: typed arrays in, typed arrays out. It is the readable reference that every
// other backend is tested against; matmul and the fused kernels run in WebAssembly SIMD. Float32
// storages are views of the kernels' WebAssembly memory where it is shared (wasm/heap.ts), so the
// kernels use them in place; elsewhere (no WebAssembly, an unshared memory, a full heap) they are
// plain arrays, which each WebAssembly kernel call copies in and out.
import type { AdamWParams, Backend, BinaryOp, CausalRows, MatmulLayout, ReduceOp, Storage, UnaryOp, View } from '../../backend.js';
import { type DType, type TypedArray, typedArrayFor } from '../../dtype.js';
import { adamwKernel } from './adamw.js';
import { binaryRow, unaryRow } from './elementwise.js';
import { gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel, topkKernel } from './indexing.js';
import type { Heap } from './wasm/heap.js';
import { binaryWasm, copyWasm, type StridedF32, wasmBinaryCodes, type WasmBinaryOp, whereWasm } from './wasm/elementwise.js';
import { matmulF32, storageHeap, storageReserve } from './wasm/matmul.js';
import { dropoutMaskWasm } from './wasm/random.js';
import { extremeWasm, sumWasm } from './wasm/reduce.js';
import { reduceKernel } from './reduce.js';
import { contiguousStrides as contiguous, isContiguous, numel } from '../../shape.js';
import { forEachRow } from './strided.js';
import {
  attentionWasm, geluBackwardWasm, layerNormBackwardWasm, layerNormWasm, logSumExpWasm, softmaxBackwardWasm, softmaxScaledWasm, softmaxWasm, unaryWasm, wasmUnaryCodes, type WasmUnaryOp,
} from './wasm/ops.js';

/**
 * Freed arrays of at least POOL_MIN_BYTES are kept (up to POOL_MAX_BYTES in all) and handed out
 * again for the same size: a fresh large typed array costs its page faults on first touch
 * (measured: ~250 ms for a 100 MB logits tensor, against ~5 ms to zero a reused one), and a
 * training step allocates the same sizes every time.
 */
const POOL_MIN_BYTES = 1 << 16, POOL_MAX_BYTES = 2 ** 30;

/** Below this many elements a unary op stays in JS: copying into WebAssembly memory costs more than it saves. */
const WASM_UNARY_MIN = 256;
/** Below this many elements binary ops and copies stay in JS (a WebAssembly job costs a few µs to set up). */
const WASM_ELEMENTWISE_MIN = 8192;

/** A float32 view's array, offset and strides, for the WebAssembly kernels (null for int32). */
const stridedF32 = (v: View, data: TypedArray): StridedF32 | null =>
  data instanceof Float32Array ? { data, offset: v.offset, strides: v.strides } : null;

/** A block of the kernels' heap that a storage's data is a view of. */
interface HeapBlock { heap: Heap; ptr: number; bytes: number }

export class CpuStorage implements Storage {
  readonly size: number;
  readonly dtype: DType;
  /** Bumped by every kernel that writes into this storage in place (the matmul's kept copies check it). */
  version = 0;
  constructor(readonly backend: CpuBackend, public data: TypedArray, readonly block: HeapBlock | null = null) {
    this.size = data.length;
    this.dtype = data instanceof Float32Array ? 'float32' : 'int32';
  }
}

/** What the finalizer needs of a storage that was never freed: its bytes, and its heap block to give back. */
interface Held { bytes: number; block: HeapBlock | null }

const arr = (s: Storage): TypedArray => (s as CpuStorage).data;
const EMPTY = new Float32Array(0);
const written = (s: Storage): void => { (s as CpuStorage).version++; };
const f32 = (s: Storage, what: string): Float32Array => {
  const d = arr(s);
  if (!(d instanceof Float32Array)) throw new TypeError(`${what}: expected a float32 tensor, got int32`);
  return d;
};
const i32 = (s: Storage, what: string): Int32Array => {
  const d = arr(s);
  if (!(d instanceof Int32Array)) throw new TypeError(`${what}: expected an int32 index tensor, got float32`);
  return d;
};

/** The (rows, n) block of a float32 storage from `offset`. */
const rows2d = (s: Storage, offset: number, rows: number, n: number): Float32Array => f32(s, 'fused kernel').subarray(offset, offset + rows * n);

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  private live = 0;
  private liveBytes = 0;
  private readonly registry = new FinalizationRegistry<Held>(({ bytes, block }) => {
    this.live--;
    this.liveBytes -= bytes;
    block?.heap.release(block.ptr, block.bytes);
  });

  private track(s: CpuStorage): CpuStorage {
    this.live++;
    this.liveBytes += s.data.byteLength;
    this.registry.register(s, { bytes: s.data.byteLength, block: s.block }, s);
    return s;
  }

  /** A float32 storage in the kernels' heap (zero-filled when asked), or null where there is none or it is full; `init` fills it. */
  private inHeap(size: number, zeroed: boolean, init?: (data: Float32Array) => void): CpuStorage | null {
    const heap = storageHeap();
    if (!heap || size === 0) return null;
    const bytes = size * 4;
    const ptr = zeroed ? heap.allocZeroed(bytes, storageReserve(heap)) : heap.alloc(bytes, storageReserve(heap));
    if (ptr < 0) return null;
    const data = heap.f32(ptr, size);
    init?.(data);
    return this.track(new CpuStorage(this, data, { heap, ptr, bytes }));
  }

  private readonly pool = new Map<string, TypedArray[]>();
  private pooledBytes = 0;

  private take(dtype: DType, size: number): TypedArray | undefined {
    if (size * 4 < POOL_MIN_BYTES) return undefined;
    const a = this.pool.get(`${dtype}:${size}`)?.pop();
    if (a) this.pooledBytes -= a.byteLength;
    return a;
  }

  alloc(size: number, dtype: DType): Storage {
    if (dtype === 'float32') {
      const s = this.inHeap(size, true);
      if (s) return s;
    }
    const reused = this.take(dtype, size);
    reused?.fill(0);
    return this.track(new CpuStorage(this, reused ?? typedArrayFor(dtype, size)));
  }
  /** alloc without the zero-fill: for outputs a kernel writes in full. */
  allocUninit(size: number, dtype: DType): Storage {
    if (dtype === 'float32') {
      const s = this.inHeap(size, false);
      if (s) return s;
    }
    return this.track(new CpuStorage(this, this.take(dtype, size) ?? typedArrayFor(dtype, size)));
  }
  fromArray(data: TypedArray): Storage {
    const dtype: DType = data instanceof Float32Array ? 'float32' : 'int32';
    if (dtype === 'float32') {
      const s = this.inHeap(data.length, false, (d) => d.set(data));
      if (s) return s;
    }
    const reused = this.take(dtype, data.length);
    reused?.set(data);
    return this.track(new CpuStorage(this, reused ?? data.slice()));
  }
  /** Bytes of freed storage kept for reuse: the pool of freed plain arrays and the heap's free blocks (not counted in memory()). */
  pooled(): number { return this.pooledBytes + (storageHeap()?.stats().free ?? 0); }
  /**
   * Releases the pooled plain arrays to the garbage collector. The heap's free blocks stay: a
   * WebAssembly memory cannot shrink, so they wait for the next storage of their size.
   */
  trimPool(): void { this.pool.clear(); this.pooledBytes = 0; }
  async read(s: Storage): Promise<TypedArray> { return arr(s).slice(); }
  readSync(s: Storage): TypedArray { return arr(s); }
  free(s: Storage): void {
    if (!this.registry.unregister(s)) return; // freed already
    const data = arr(s);
    this.live--;
    this.liveBytes -= data.byteLength;
    const block = (s as CpuStorage).block;
    if (block) {
      block.heap.release(block.ptr, block.bytes);
      (s as CpuStorage).data = EMPTY; // a stray use of a freed storage cannot reach the block's next owner
    } else if (data.byteLength >= POOL_MIN_BYTES && this.pooledBytes + data.byteLength <= POOL_MAX_BYTES) {
      const key = `${s.dtype}:${data.length}`;
      let list = this.pool.get(key);
      if (!list) this.pool.set(key, (list = []));
      list.push(data);
      this.pooledBytes += data.byteLength;
      // the storage keeps no reference, so a stray use of a freed storage cannot see the array's next owner
      (s as CpuStorage).data = EMPTY;
    }
  }
  memory() { return { buffers: this.live, bytes: this.liveBytes }; }

  copy(src: View, dst: View): void {
    written(dst.storage);
    const s = arr(src.storage), d = arr(dst.storage);
    // (a copy within one storage stays in JS, which reads each row before writing it)
    if (src.storage !== dst.storage && numel(src.shape) >= WASM_ELEMENTWISE_MIN) {
      const sv = stridedF32(src, s), dv = stridedF32(dst, d);
      if (sv && dv && copyWasm(src.shape, sv, dv)) return;
    }
    forEachRow(src.shape, [src.strides, dst.strides], [src.offset, dst.offset], ([si, di], n, [ss, ds]) => {
      if (ss === 1 && ds === 1) d.set(s.subarray(si, si + n), di);
      else for (let k = 0; k < n; k++) d[di + k * ds] = s[si + k * ss];
    });
  }

  fill(dst: View, value: number): void {
    written(dst.storage);
    const d = arr(dst.storage);
    forEachRow(dst.shape, [dst.strides], [dst.offset], ([di], n, [ds]) => {
      if (ds === 1) d.fill(value, di, di + n);
      else for (let k = 0; k < n; k++) d[di + k * ds] = value;
    });
  }

  unary(op: UnaryOp, x: View, out: Storage): void {
    const xs = arr(x.storage), o = arr(out);
    const size = numel(x.shape);
    if (op in wasmUnaryCodes && size >= WASM_UNARY_MIN && xs instanceof Float32Array && o instanceof Float32Array && isContiguous(x.shape, x.strides)) {
      if (unaryWasm(op as WasmUnaryOp, xs.subarray(x.offset, x.offset + size), o.subarray(0, size))) return;
    }
    const outStrides = contiguous(x.shape);
    forEachRow(x.shape, [x.strides, outStrides], [x.offset, 0], ([xi, oi], n, [xst]) => unaryRow(op, xs, xi, xst, o, oi, n));
  }

  binary(op: BinaryOp, a: View, b: View, out: Storage): void {
    const as = arr(a.storage), bs = arr(b.storage), o = arr(out);
    if (op in wasmBinaryCodes && numel(a.shape) >= WASM_ELEMENTWISE_MIN && o instanceof Float32Array) {
      const av = stridedF32(a, as), bv = stridedF32(b, bs);
      if (av && bv && binaryWasm(op as WasmBinaryOp, a.shape, av, bv, { data: o, offset: 0, strides: contiguous(a.shape) })) return;
    }
    forEachRow(a.shape, [a.strides, b.strides, contiguous(a.shape)], [a.offset, b.offset, 0], ([ai, bi, oi], n, [ast, bst]) =>
      binaryRow(op, as, ai, ast, bs, bi, bst, o, oi, n));
  }

  where(cond: View, a: View, b: View, out: Storage): void {
    const cs = arr(cond.storage), as = arr(a.storage), bs = arr(b.storage), o = arr(out);
    if (numel(a.shape) >= WASM_ELEMENTWISE_MIN && o instanceof Float32Array) {
      const cv = stridedF32(cond, cs), av = stridedF32(a, as), bv = stridedF32(b, bs);
      if (cv && av && bv && whereWasm(a.shape, cv, av, bv, { data: o, offset: 0, strides: contiguous(a.shape) })) return;
    }
    forEachRow(a.shape, [cond.strides, a.strides, b.strides, contiguous(a.shape)], [cond.offset, a.offset, b.offset, 0],
      ([ci, ai, bi, oi], n, [cst, ast, bst]) => {
        for (let k = 0; k < n; k++, ci += cst, ai += ast, bi += bst) o[oi + k] = cs[ci] !== 0 ? as[ai] : bs[bi];
      });
  }

  reduce(op: ReduceOp, x: Storage, xOffset: number, outer: number, size: number, inner: number, out: Storage): void {
    const xs = arr(x), o = arr(out);
    if (outer * size * inner >= WASM_ELEMENTWISE_MIN && xs instanceof Float32Array
      && (op === 'sum' ? o instanceof Float32Array && sumWasm(xs, xOffset, outer, size, inner, o) : extremeWasm(op, xs, xOffset, outer, size, inner, o))) return;
    reduceKernel(op, xs, xOffset, outer, size, inner, o);
  }

  matmul(a: Storage, b: Storage, out: Storage, l: MatmulLayout): void {
    this.matmulWith(a, b, out, l, undefined);
  }
  matmulBias(a: Storage, b: Storage, bias: Storage, biasOffset: number, out: Storage, l: MatmulLayout): boolean {
    this.matmulWith(a, b, out, l, f32(bias, 'linear').subarray(biasOffset, biasOffset + l.n));
    return true;
  }
  private matmulWith(a: Storage, b: Storage, out: Storage, l: MatmulLayout, bias: Float32Array | undefined): void {
    matmulF32({
      bias,
      a: f32(a, 'matmul'), aOffset: l.aOffset, b: f32(b, 'matmul'), bOffset: l.bOffset, out: f32(out, 'matmul'), outOffset: 0,
      batch: l.batch, m: l.m, k: l.k, n: l.n, transA: l.transA, transB: l.transB, aBatchStride: l.aBatchStride, bBatchStride: l.bBatchStride,
      bResident: { key: b, version: (b as CpuStorage).version },
    });
  }

  indexSelect(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void {
    indexSelectKernel(arr(x), i32(index, 'indexSelect'), outer, size, inner, n, arr(out));
  }
  indexAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void {
    written(dst);
    indexAddKernel(arr(dst), i32(index, 'indexAdd'), arr(src), outer, size, inner, n);
  }
  gather(x: Storage, index: Storage, outer: number, size: number, inner: number, n: number, out: Storage): void {
    gatherKernel(arr(x), i32(index, 'gather'), outer, size, inner, n, arr(out));
  }
  scatterAdd(dst: Storage, index: Storage, src: Storage, outer: number, size: number, inner: number, n: number): void {
    written(dst);
    scatterAddKernel(arr(dst), i32(index, 'scatterAdd'), arr(src), outer, size, inner, n);
  }
  topk(x: Storage, rows: number, cols: number, k: number, values: Storage, indices: Storage): void {
    topkKernel(arr(x), rows, cols, k, arr(values), i32(indices, 'topk'));
  }
  adamw(param: Storage, grad: Storage, m: Storage, v: Storage, p: AdamWParams): void {
    written(param); written(m); written(v);
    adamwKernel(f32(param, 'adamw'), f32(grad, 'adamw'), f32(m, 'adamw'), f32(v, 'adamw'), p);
  }

  // ---- fused kernels (WebAssembly SIMD on the worker threads; false before WebAssembly loads) ----
  softmaxRows(x: Storage, xOffset: number, rows: number, n: number, scale: number, causal: CausalRows | null, out: Storage): boolean {
    return softmaxWasm(rows2d(x, xOffset, rows, n), rows, n, scale, causal, f32(out, 'softmax'));
  }
  softmaxRowsBackward(y: Storage, g: Storage, gOffset: number, rows: number, n: number, scale: number, dx: Storage): boolean {
    return softmaxBackwardWasm(f32(y, 'softmax'), rows2d(g, gOffset, rows, n), rows, n, scale, f32(dx, 'softmax'));
  }
  layerNormRows(x: Storage, xOffset: number, rows: number, n: number, w: Storage | null, b: Storage | null, eps: number,
    out: Storage, mean: Storage, rstd: Storage): boolean {
    return layerNormWasm(rows2d(x, xOffset, rows, n), rows, n, w && f32(w, 'layerNorm'), b && f32(b, 'layerNorm'), eps,
      f32(out, 'layerNorm'), f32(mean, 'layerNorm'), f32(rstd, 'layerNorm'));
  }
  layerNormRowsBackward(x: Storage, xOffset: number, w: Storage | null, g: Storage, gOffset: number, mean: Storage, rstd: Storage,
    rows: number, n: number, dx: Storage, dw: Storage | null, db: Storage | null): boolean {
    return layerNormBackwardWasm(rows2d(x, xOffset, rows, n), w && f32(w, 'layerNorm'), rows2d(g, gOffset, rows, n), f32(mean, 'layerNorm'),
      f32(rstd, 'layerNorm'), rows, n, f32(dx, 'layerNorm'), dw && f32(dw, 'layerNorm'), db && f32(db, 'layerNorm'));
  }
  // GELU has no JavaScript loop: at any size one WebAssembly pass beats the ~6 (forward) or ~12
  // (backward) primitive kernels the op composes without it.
  gelu(x: Storage, xOffset: number, n: number, out: Storage): boolean {
    return unaryWasm('gelu', rows2d(x, xOffset, 1, n), f32(out, 'gelu').subarray(0, n));
  }
  geluBackward(x: Storage, xOffset: number, g: Storage, gOffset: number, n: number, dx: Storage): boolean {
    return geluBackwardWasm(rows2d(x, xOffset, 1, n), rows2d(g, gOffset, 1, n), f32(dx, 'gelu').subarray(0, n));
  }
  attention(q: View, k: View, v: View, scale: number, offset: number, lengths: readonly number[] | null, out: Storage): boolean {
    const heads = (t: View) => ({ data: f32(t.storage, 'attention'), offset: t.offset, strides: [t.strides[0], t.strides[1], t.strides[2]] as const });
    if (q.strides[3] !== 1 || k.strides[3] !== 1 || v.strides[3] !== 1) return false;
    const [B, H, Tq, D] = q.shape;
    return attentionWasm(heads(q), heads(k), heads(v), { B, H, KV: k.shape[1], Tq, Tk: k.shape[2], D }, scale, offset, lengths, f32(out, 'attention'));
  }
  dropoutMask(state: Uint32Array, n: number, p: number, scale: number, out: Storage): boolean {
    return dropoutMaskWasm(state, n, p, scale, f32(out, 'dropout'));
  }
  logSumExpRows(x: Storage, xOffset: number, rows: number, n: number, lse: Storage): boolean {
    return logSumExpWasm(rows2d(x, xOffset, rows, n), rows, n, f32(lse, 'crossEntropy'));
  }
  softmaxScaledRows(x: Storage, xOffset: number, lse: Storage, scale: Storage, rows: number, n: number, out: Storage): boolean {
    return softmaxScaledWasm(rows2d(x, xOffset, rows, n), f32(lse, 'crossEntropy'), f32(scale, 'crossEntropy'), rows, n, f32(out, 'crossEntropy'));
  }
}
