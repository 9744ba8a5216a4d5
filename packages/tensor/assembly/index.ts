// Single-precision GEMM for @llm/tensor's CPU backend: C (batch, m, n) (+)= A @ B per batch matrix.
// The JS side (src/backends/cpu/wasm) copies operands into this module's memory, writes a job
// descriptor, and the main thread and worker threads each claim chunks of the job and run
// `gemmChunk` on their own workspace. Blocked as in BLIS: NC columns of B, KC of the shared
// dimension, MC rows of A, then MR x NR register tiles, each A micro-panel (in L1) walked along a
// row of C across the packed B block (in L2; see BLOCKING in src/backends/cpu/wasm/plan.ts). Large
// products run as Strassen's seven half-size products (./strassen.ts).
import { BETA1, BIAS1, BIAS2, MR, NR, microKernel, storeEdge, TWO } from './kernel';
import { packA, packB } from './pack';
import { rowTimesB } from './small';
import { opChunk } from './ops';
import { strassenChunk } from './strassen';

// Job descriptor: i32 fields at `ctl`. Fields 0-3 (sequence, claim counter, done counter, chunk
// count) belong to the JS scheduler; the rest are read here.
const A = 4, A_BATCH_STRIDE = 5, B = 6, B_BATCH_STRIDE = 7, C = 8, BATCH = 9, M = 10, K = 11, N = 12,
  FLAGS = 13, BATCH_PER_CHUNK = 14, TILES_M = 15, TILES_N = 16, TILE_M = 17, TILE_N = 18, BLOCK_MC = 19,
  BLOCK_KC = 20, BLOCK_NC = 21;
export const TRANS_A = 1, TRANS_B = 2, ACCUMULATE = 4, STRASSEN = 8, BIAS = 16;
// Field 26 says which kernel a job runs (0: the GEMM, else a kernel of ./ops, whose arguments
// start at field 32); field 27 is the byte address of the bias row (n floats) added with BIAS.
const KIND = 26, BIAS_AT = 27, OP_ARGS = 32;

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
  const mc = field(ctl, BLOCK_MC), kc = field(ctl, BLOCK_KC), nc = field(ctl, BLOCK_NC);
  const accumulate = (flags & ACCUMULATE) != 0, bias: usize = flags & BIAS ? <usize>field(ctl, BIAS_AT) : 0;
  if (flags & STRASSEN) {
    strassenChunk(<usize>field(ctl, A), <usize>field(ctl, B), <usize>field(ctl, C), bias, m, k, n, flags, accumulate,
      idx, perBatch, tilesN, field(ctl, TILE_M), field(ctl, TILE_N), work, mc, kc, nc);
    return;
  }
  const group = idx / perBatch, tile = idx % perBatch;
  const i0 = (tile / tilesN) * field(ctl, TILE_M), j0 = (tile % tilesN) * field(ctl, TILE_N);
  const i1 = min(m, i0 + field(ctl, TILE_M)), j1 = min(n, j0 + field(ctl, TILE_N));
  const bpc = field(ctl, BATCH_PER_CHUNK);
  const bEnd = min(batch, (group + 1) * bpc);
  const aStride = <usize>field(ctl, A_BATCH_STRIDE), bStride = <usize>field(ctl, B_BATCH_STRIDE), cStride = <usize>m * <usize>n * 4;
  for (let bi = group * bpc; bi < bEnd; bi++) {
    const a = <usize>field(ctl, A) + <usize>bi * aStride, b = <usize>field(ctl, B) + <usize>bi * bStride;
    gemm(a, 0, false, b, 0, false, <usize>field(ctl, C) + <usize>bi * cStride, 0, (accumulate ? BETA1 : 0) | (bias ? BIAS1 : 0), bias, 0,
      m, k, n, flags, k, i0, i1, j0, j1, work, mc, kc, nc);
  }
}

/**
 * Rows [i0, i1) x cols [j0, j1) of C (as `mode` says: =, +=, -=, + bias; and into c2 too with TWO)
 * gets (A +- A2) @ (B +- B2) over the first `kLen` of the shared dimension, where a2 / b2 = 0 mean
 * A / B alone; bias / bias2 are the bias rows of C's and C2's columns; m, k, n and the TRANS flags
 * give the strides. `work` holds the packed A block (mcMax x kcMax), the packed B block
 * (kcMax x ncMax) and one edge tile (MR x NR). Requires kLen > 0.
 */
export function gemm(a: usize, a2: usize, aNeg: bool, b: usize, b2: usize, bNeg: bool, c: usize, c2: usize, mode: i32, bias: usize, bias2: usize,
  m: i32, k: i32, n: i32, flags: i32, kLen: i32, i0: i32, i1: i32, j0: i32, j1: i32, work: usize, mcMax: i32, kcMax: i32, ncMax: i32): void {
  const transA = (flags & TRANS_A) != 0, transB = (flags & TRANS_B) != 0;
  // byte strides: A[i, p] at a + i * si + p * sap, B[p, j] at b + p * sbp + j * sj
  const si: usize = transA ? 4 : <usize>k * 4, sap: usize = transA ? <usize>m * 4 : 4;
  const sbp: usize = transB ? 4 : <usize>n * 4, sj: usize = transB ? <usize>k * 4 : 4;
  const ldc = <usize>n * 4;
  if (i1 - i0 < MR && a2 == 0 && b2 == 0 && (mode & ~(BETA1 | BIAS1)) == 0 && kLen == k) {
    for (let i = i0; i < i1; i++) {
      const row = c + <usize>i * ldc;
      // the bias row first, then the product added onto it
      if (mode & BIAS1) memory.copy(row + <usize>(j0 * 4), bias + <usize>(j0 * 4), <usize>((j1 - j0) * 4));
      rowTimesB(a + <usize>i * si, sap, b, transB, kLen, n, row, j0, j1, mode != 0);
    }
    return;
  }
  const aPack = work, bPack = aPack + <usize>(mcMax * kcMax * 4), edge = bPack + <usize>(kcMax * ncMax * 4);
  // equal blocks of k (k = 512 as 256 + 256, not 384 + 128: a short last block pays the C tiles'
  // loads and stores for few multiply-adds: 512^3 ran 20% slower); a multiple of 4 for the packing
  const kBlocks = (kLen + kcMax - 1) / kcMax, kcStep = min(kcMax, ((kLen + kBlocks - 1) / kBlocks + 3) & ~3);
  // after the first block of k, every destination adds
  const later = (mode | BETA1 | (mode & TWO ? BETA1 << 3 : 0)) & ~(BIAS1 | BIAS2);
  for (let jc = j0; jc < j1; jc += ncMax) {
    const nc = min(ncMax, j1 - jc);
    for (let pc = 0; pc < kLen; pc += kcStep) {
      const kc = min(kcStep, kLen - pc);
      const tileMode = pc > 0 ? later : mode;
      packB(b, b2, bNeg, sbp, sj, pc, kc, jc, nc, bPack);
      for (let ic = i0; ic < i1; ic += mcMax) {
        const mc = min(mcMax, i1 - ic);
        packA(a, a2, aNeg, si, sap, ic, mc, pc, kc, aPack);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir), ap = aPack + <usize>(ir * kc * 4);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = min(NR, nc - jr), bp = bPack + <usize>(jr * kc * 4);
            const at = <usize>(ic + ir) * ldc + <usize>((jc + jr) * 4);
            const col = <usize>((jc + jr) * 4);
            if (mr == MR && nr == NR) microKernel(kc, ap, bp, c + at, ldc, tileMode, c2 + at, bias + col, bias2 + col);
            else {
              microKernel(kc, ap, bp, edge, NR * 4, 0, 0, 0, 0);
              storeEdge(edge, c + at, ldc, mr, nr, tileMode, bias + col);
              if (tileMode & TWO) storeEdge(edge, c2 + at, ldc, mr, nr, tileMode >> 3, bias2 + col);
            }
          }
        }
      }
    }
  }
}
