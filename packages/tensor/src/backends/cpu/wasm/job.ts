// The job descriptor shared by the JS scheduler, the worker threads and assembly/index.ts (which
// reads fields A..BLOCK_NC under the same numbers), plus the layout of the WASM memory.

/** i32 field indices at CTL_BYTE_OFFSET. */
export const Field = {
  SEQ: 0, // job number, bumped to wake the workers
  NEXT: 1, // claim counter: (SEQ & 0xffff) << 16 | next chunk index
  DONE: 2, // chunks finished
  N_CHUNKS: 3,
  A: 4, A_BATCH_STRIDE: 5, B: 6, B_BATCH_STRIDE: 7, C: 8, // byte addresses and byte strides
  BATCH: 9, M: 10, K: 11, N: 12, FLAGS: 13,
  BATCH_PER_CHUNK: 14, TILES_M: 15, TILES_N: 16, TILE_M: 17, TILE_N: 18,
  BLOCK_MC: 19, BLOCK_KC: 20, BLOCK_NC: 21,
  WORK_BASE: 22, WORK_SIZE: 23, // thread t (0 = main) packs into WORK_BASE + t * WORK_SIZE
  ACTIVE_WORKERS: 24, // workers with index >= this stay out of the job
  ERROR: 25, // set by a worker whose chunk threw
  KIND: 26, // 0: the GEMM; else one of OpKind (assembly/ops.ts), with its arguments from OP_ARGS on
  BIAS: 27, // byte address of the GEMM's bias row, with Flag.BIAS
} as const;
/** First of the i32/f32 argument slots of the ops kernels (assembly/ops.ts). */
export const OP_ARGS = 32;
export const FIELD_COUNT = 64;

export const Flag = { TRANS_A: 1, TRANS_B: 2, ACCUMULATE: 4, STRASSEN: 8, BIAS: 16 } as const;

/** Micro-tile of the kernel (assembly/kernel.ts). */
export const MR = 4, NR = 8;

export const CTL_BYTE_OFFSET = 64;
export const WORK_BYTE_OFFSET = 4096;
export const PAGE_BYTES = 65536;

export interface Blocking { mc: number; kc: number; nc: number }

/** Bytes of one thread's workspace: packed A block, packed B block, one edge tile; 64-byte aligned. */
export function workBytes({ mc, kc, nc }: Blocking): number {
  return align64((mc * kc + kc * nc + MR * NR) * 4);
}

export const align64 = (x: number): number => Math.ceil(x / 64) * 64;
