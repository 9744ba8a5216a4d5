// The page's training worker (a module worker Vite bundles): requests in, one reply each, progress
// events as they happen. Control messages (pause, resume, stop) are handled at once, even while a
// request runs: the training loop yields to this event loop after every step.
import type { FromWorker, ToWorker } from './protocol.js';
import { PlaygroundWorker } from './playgroundWorker.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const worker = new PlaygroundWorker((e) => post(e));

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (!('id' in m)) {
    worker.control(m);
    return;
  }
  const { id, ...request } = m;
  try {
    const value = await worker.handle(request);
    // model files move to the page instead of being copied
    const transfer = request.type === 'export' ? Object.values(value as Record<string, Uint8Array>).map((b) => b.buffer) : [];
    post({ id, ok: true, value }, transfer);
  } catch (err) {
    post({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
    if (!(err instanceof Error && /^busy /.test(err.message))) console.error(err);
  }
};
