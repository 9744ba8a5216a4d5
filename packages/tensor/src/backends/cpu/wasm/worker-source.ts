// Source of a GEMM worker thread, run from a string so it works the same from the tsup bundle and
// from TypeScript sources: Node's `new Worker(code, { eval: true })` (workerData), or a browser's Web
// Worker from a blob URL (its first message). It instantiates the module it is handed on the
// shared memory, then sleeps on the job counter; woken, it claims chunks until none are left.
// Claims carry the job number, so a worker that wakes late never runs a chunk of a finished job.
import { Field } from './job.js';

/** What a worker is handed: the compiled module, the shared memory, where the job descriptor is, its index. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctlOffset: number;
  index: number;
}

const workerLoop = `
function runWorker({ module, memory, ctlOffset, index }) {
const { runChunk } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, ctlOffset, ${Field.ERROR + 1});
const SEQ = ${Field.SEQ}, NEXT = ${Field.NEXT}, DONE = ${Field.DONE}, N_CHUNKS = ${Field.N_CHUNKS};
// job numbers start at 1: a worker that starts mid-job joins it at once
let seen = 0;
for (;;) {
  Atomics.wait(ctl, SEQ, seen);
  seen = Atomics.load(ctl, SEQ);
  if (index >= ctl[${Field.ACTIVE_WORKERS}]) continue;
  const tag = seen & 0xffff;
  for (;;) {
    const next = Atomics.load(ctl, NEXT);
    if (next >>> 16 !== tag || (next & 0xffff) >= ctl[N_CHUNKS]) break;
    if (Atomics.compareExchange(ctl, NEXT, next, next + 1) !== next) continue;
    const work = (ctl[${Field.WORK_BASE}] >>> 0) + (index + 1) * (ctl[${Field.WORK_SIZE}] >>> 0);
    try {
      runChunk(ctlOffset, next & 0xffff, work);
    } catch (e) {
      Atomics.store(ctl, ${Field.ERROR}, 1);
      console.error('@llm/tensor kernel worker', index, e);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
}
`;

export const nodeWorkerSource = `${workerLoop}
runWorker(require('node:worker_threads').workerData);
`;

// Atomics.wait never returns to the event loop, so the worker takes only this first message
export const webWorkerSource = `${workerLoop}
self.onmessage = (e) => { self.onmessage = null; runWorker(e.data); };
`;
