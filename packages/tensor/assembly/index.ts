// Single-precision GEMM for @llm/tensor's CPU backend: C (batch, m, n) (+)= A @ B per batch matrix.
// The JS side (src/backends/cpu/wasm) copies operands into this module's memory, writes a job
// descriptor, and the main thread and worker threads each claim chunks of the job and run
// `gemmChunk` on their own workspace. Blocked as in BLIS: NC columns of B, KC of the shared
// dimension, MC rows of A, then MR x NR register tiles.
import { MR, NR, microKernel, storeEdge } from './kernel';
import { packA, packB } from './pack';
import { rowTimesB } from './small';
import { opChunk } from './ops';

// Job descriptor: i32 fields at `ctl`. Fields 0-3 (sequence, claim counter, done counter, chunk
// count) belong to the JS scheduler; the rest are read here.
const A = 4, A_BATCH_STRIDE = 5, B = 6, B_BATCH_STRIDE = 7, C = 8, BATCH = 9, M = 10, K = 11, N = 12,
  FLAGS = 13, BATCH_PER_CHUNK = 14, TILES_M = 15, TILES_N = 16, TILE_M = 17, TILE_N = 18, BLOCK_MC = 19,
  BLOCK_KC = 20, BLOCK_NC = 21;
const TRANS_A = 1, TRANS_B = 2, ACCUMULATE = 4;
// Field 26 says which kernel a job runs (0: the GEMM, else a kernel of ./ops, whose arguments
// start at field 32).
const KIND = 26, OP_ARGS = 32;

/** Runs chunk `idx` of whatever job is at `ctl` (the entry point of the worker threads). */
export function runChunk(ctl: usize, idx: i32, work: usize): void {
  const kind = field(ctl, KIND);
  if (kind == 0) gemmChunk(ctl, idx, work);
  else opChunk(kind, ctl + <usize>(OP_ARGS * 4), idx, work);
}

// @ts-ignore: decorator
@inline function field(ctl: usize, i: i32): i32 {
  return load<i32>(ctl + <usize>(i * 4));
}

/** Runs chunk `idx` of the job at `ctl`: a group of batch matrices x one (tileM, tileN) output tile. */
export function gemmChunk(ctl: usize, idx: i32, work: usize): void {
  const batch = field(ctl, BATCH), m = field(ctl, M), k = field(ctl, K), n = field(ctl, N), flags = field(ctl, FLAGS);
  const perBatch = field(ctl, TILES_M) * field(ctl, TILES_N), tilesN = field(ctl, TILES_N);
  const group = idx / perBatch, tile = idx % perBatch;
  const i0 = (tile / tilesN) * field(ctl, TILE_M), j0 = (tile % tilesN) * field(ctl, TILE_N);
  const i1 = min(m, i0 + field(ctl, TILE_M)), j1 = min(n, j0 + field(ctl, TILE_N));
  const bpc = field(ctl, BATCH_PER_CHUNK);
  const bEnd = min(batch, (group + 1) * bpc);
  const aStride = <usize>field(ctl, A_BATCH_STRIDE), bStride = <usize>field(ctl, B_BATCH_STRIDE), cStride = <usize>m * <usize>n * 4;
  const mc = field(ctl, BLOCK_MC), kc = field(ctl, BLOCK_KC), nc = field(ctl, BLOCK_NC);
  for (let bi = group * bpc; bi < bEnd; bi++) {
    const a = <usize>field(ctl, A) + <usize>bi * aStride, b = <usize>field(ctl, B) + <usize>bi * bStride;
    gemm(a, b, <usize>field(ctl, C) + <usize>bi * cStride, m, k, n, flags, i0, i1, j0, j1, work, mc, kc, nc);
  }
}

/**
 * Rows [i0, i1) x cols [j0, j1) of C (m, n) (+)= A @ B. `work` holds the packed A block (mcMax x kcMax),
 * the packed B block (kcMax x ncMax) and one edge tile (MR x NR). Requires k > 0.
 */
function gemm(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize, mcMax: i32, kcMax: i32, ncMax: i32): void {
  const transA = (flags & TRANS_A) != 0, transB = (flags & TRANS_B) != 0, accumulate = (flags & ACCUMULATE) != 0;
  const ldc = <usize>n * 4;
  if (i1 - i0 < MR) {
    // byte strides of A[i, p] along i and along p
    const si: usize = transA ? 4 : <usize>k * 4, sp: usize = transA ? <usize>m * 4 : 4;
    for (let i = i0; i < i1; i++) rowTimesB(a + <usize>i * si, sp, b, transB, k, n, c + <usize>i * ldc, j0, j1, accumulate);
    return;
  }
  const aPack = work, bPack = aPack + <usize>(mcMax * kcMax * 4), edge = bPack + <usize>(kcMax * ncMax * 4);
  for (let jc = j0; jc < j1; jc += ncMax) {
    const nc = min(ncMax, j1 - jc);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = min(kcMax, k - pc);
      const beta = accumulate || pc > 0;
      packB(b, transB, k, n, pc, kc, jc, nc, bPack);
      for (let ic = i0; ic < i1; ic += mcMax) {
        const mc = min(mcMax, i1 - ic);
        packA(a, transA, m, k, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr), bp = bPack + <usize>(jr * kc * 4);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir), ap = aPack + <usize>(ir * kc * 4);
            const cp = c + <usize>(ic + ir) * ldc + <usize>((jc + jr) * 4);
            if (mr == MR && nr == NR) microKernel(kc, ap, bp, cp, ldc, beta);
            else {
              microKernel(kc, ap, bp, edge, NR * 4, false);
              storeEdge(edge, cp, ldc, mr, nr, beta);
            }
          }
        }
      }
    }
  }
}
