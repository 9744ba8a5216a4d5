// Worker threads for the GEMM: they share the module's WebAssembly.Memory with the main thread.
// A job is split into chunks; the main thread publishes it, wakes the workers (Atomics.notify),
// claims chunks itself like any worker, then sleeps (Atomics.wait, allowed on Node's main thread
// and in a browser's Web Workers) until the chunks the workers claimed are done. So the call stays
// synchronous, and a worker that is still starting or slow to wake costs nothing: the main thread
// simply takes its chunks. Workers are Node's worker_threads, or in a cross-origin-isolated browser
// Web Workers started from a worker (a page's own thread may not Atomics.wait: no pool there).
import type { Worker as NodeWorker } from 'node:worker_threads';
import { CTL_BYTE_OFFSET, Field } from './job.js';
import type { GemmInstance } from './runtime.js';
import { canUseWebWorkers, nodeBuiltin } from './runtime.js';
import { nodeWorkerSource, webWorkerSource, type WorkerData } from './worker-source.js';

type WorkerThreads = typeof import('node:worker_threads');

interface PoolWorker {
  terminate(): unknown;
}

/** Starts worker `data.index`; throws where no thread can be started. */
type Spawn = (data: WorkerData) => PoolWorker;

function nodeSpawn(wt: WorkerThreads): Spawn {
  return (workerData) => {
    const worker: NodeWorker = new wt.Worker(nodeWorkerSource, { eval: true, workerData });
    // a worker that fails to start never claims a chunk, so nothing waits on it
    worker.on('error', (e) => console.error(`@llm/tensor matmul worker ${workerData.index} failed:`, e));
    worker.unref();
    return worker;
  };
}

function webSpawn(): Spawn {
  let url: string | undefined;
  return (data) => {
    url ??= URL.createObjectURL(new Blob([webWorkerSource], { type: 'text/javascript' }));
    const worker = new Worker(url, { name: `@llm/tensor kernel worker ${data.index}` });
    worker.onerror = (e) => console.error(`@llm/tensor matmul worker ${data.index} failed:`, e.message);
    worker.postMessage(data); // the module and the shared memory are shared, not copied
    return worker;
  };
}

export class GemmThreadPool {
  private workers: PoolWorker[] = [];
  private seq = 0;
  private spawnFailed = false;
  /** Chunks run by workers so far (tests check that the workers really take part). */
  workerChunks = 0;

  private constructor(private readonly spawn: Spawn, private readonly gemm: GemmInstance) {}

  /** A pool, or null where worker threads or shared memory are unavailable (a page's main thread). */
  static create(gemm: GemmInstance): GemmThreadPool | null {
    if (!gemm.shared) return null;
    const wt = nodeBuiltin<WorkerThreads>('node:worker_threads');
    if (wt) return new GemmThreadPool(nodeSpawn(wt), gemm);
    return canUseWebWorkers() ? new GemmThreadPool(webSpawn(), gemm) : null;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts or stops workers so that `count` exist. New ones take part once they are up. */
  resize(count: number): void {
    while (this.workers.length > count) void this.workers.pop()!.terminate();
    while (this.workers.length < count && !this.spawnFailed) {
      const index = this.workers.length;
      let worker: PoolWorker;
      try {
        worker = this.spawn({ module: this.gemm.module, memory: this.gemm.memory, ctlOffset: CTL_BYTE_OFFSET, index });
      } catch (e) {
        // no threads here (e.g. a resource limit): the main thread does all the work from now on
        this.spawnFailed = true;
        console.warn(`@llm/tensor matmul: cannot start a worker thread, running single-threaded: ${String(e)}`);
        return;
      }
      this.workers.push(worker);
    }
  }

  /**
   * Runs chunks [0, nChunks) of the job already written to the descriptor `ctl`, on the main thread
   * (workspace 0) and up to `activeWorkers` workers. Returns when every chunk is done.
   */
  run(ctl: Int32Array, nChunks: number, activeWorkers: number, runChunk: (chunk: number) => void): void {
    const tag = (this.seq = (this.seq % 0x7fff) + 1); // 1..0x7fff: 0 means no job yet
    ctl[Field.N_CHUNKS] = nChunks;
    ctl[Field.ACTIVE_WORKERS] = Math.min(activeWorkers, this.workers.length);
    Atomics.store(ctl, Field.ERROR, 0);
    Atomics.store(ctl, Field.DONE, 0);
    Atomics.store(ctl, Field.NEXT, tag << 16);
    Atomics.store(ctl, Field.SEQ, tag);
    Atomics.notify(ctl, Field.SEQ);
    let mine = 0;
    for (;;) {
      const next = Atomics.add(ctl, Field.NEXT, 1) & 0xffff;
      if (next >= nChunks) break;
      runChunk(next);
      mine++;
      Atomics.add(ctl, Field.DONE, 1);
    }
    this.workerChunks += nChunks - mine;
    for (let done = Atomics.load(ctl, Field.DONE); done < nChunks; done = Atomics.load(ctl, Field.DONE)) {
      Atomics.wait(ctl, Field.DONE, done);
    }
    if (Atomics.load(ctl, Field.ERROR) !== 0) throw new Error('matmulF32: a worker thread failed computing its part (its error was printed)');
  }

  terminate(): void {
    this.resize(0);
  }
}
