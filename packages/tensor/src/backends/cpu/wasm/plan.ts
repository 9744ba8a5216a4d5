// How a matmul is cut into chunks for threads, and the cache blocking of each chunk.
import { type Blocking, MR, NR } from './job.js';

/** Below this many multiply-adds (~0.1 ms on one core) a job runs on the main thread alone: waking a
 * worker and waiting for it costs tens of microseconds, and 64^3 (2^18) ran slower on two threads. */
export const PARALLEL_MIN_MACS = 1 << 21;

export interface ChunkPlan {
  nChunks: number;
  batchPerChunk: number;
  tilesM: number; tilesN: number;
  tileM: number; tileN: number;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * Chunks for `threads` threads: whole batch matrices when the batch divides evenly (or is large
 * enough that the last uneven round hardly matters), else each matrix cut into a grid of
 * tilesM x tilesN = threads tiles. Every tile packs its own rows of A and columns of B, so the grid
 * is the one that packs least: tilesN copies of A plus tilesM copies of B.
 */
export function planChunks(threads: number, batch: number, m: number, k: number, n: number): ChunkPlan {
  const whole: ChunkPlan = { nChunks: 1, batchPerChunk: batch, tilesM: 1, tilesN: 1, tileM: m, tileN: n };
  if (threads <= 1 || batch * m * n * k < PARALLEL_MIN_MACS) return whole;
  if (batch % threads === 0 || batch >= 4 * threads) {
    const groups = Math.min(batch, 16 * threads);
    const batchPerChunk = Math.ceil(batch / groups);
    return { ...whole, nChunks: Math.ceil(batch / batchPerChunk), batchPerChunk };
  }
  let best = { ...whole, batchPerChunk: 1 }, bestCost = Infinity;
  for (let tilesM = 1; tilesM <= threads; tilesM++) {
    if (threads % tilesM !== 0) continue;
    const tileM = roundUp(Math.ceil(m / tilesM), MR), tileN = roundUp(Math.ceil(n / (threads / tilesM)), NR);
    const plan = { ...best, tileM, tileN, tilesM: Math.ceil(m / tileM), tilesN: Math.ceil(n / tileN) };
    const cost = plan.tilesN * m + plan.tilesM * n;
    if (plan.tilesM * plan.tilesN === threads && cost < bestCost) [best, bestCost] = [plan, cost];
  }
  if (bestCost === Infinity) {
    // too small to cut into `threads` tiles: strips along the longer side
    best.tileN = roundUp(Math.ceil(n / threads), NR);
    best.tilesN = Math.ceil(n / best.tileN);
  }
  return { ...best, nChunks: batch * best.tilesM * best.tilesN };
}

/**
 * Chunks of a product run as Strassen's seven half-size products (assembly/strassen.ts): the
 * (m/2, n/2) quadrant grid cut for `threads`, then one chunk for an odd last column of C and one
 * for an odd last row. Null when the product is too small for it to pay (any of m, k, n below
 * `minDim`), batched, or has an odd k.
 */
export function planStrassen(threads: number, batch: number, m: number, k: number, n: number, minDim: number): ChunkPlan | null {
  if (batch !== 1 || k % 2 !== 0 || Math.min(m, k, n) < minDim) return null;
  const grid = planChunks(threads, 1, m >> 1, k >> 1, n >> 1);
  return { ...grid, nChunks: grid.nChunks + (n % 2) + (m % 2) };
}

/**
 * Block sizes. The micro-kernel walks one MR x KC micro-panel of A (6 KiB, in L1) along a row of
 * tiles across the whole packed KC x NC block of B (768 KiB, in L2: 2 MiB a core on the machines
 * measured), so B streams from L2 and never from L3. With NC 2048 (B in L3) and the column of tiles
 * walked down instead, wide products ran 7-15% slower on two threads.
 */
export const BLOCKING: Blocking = { mc: 64, kc: 384, nc: 512 };
