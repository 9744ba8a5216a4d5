// The server side of the serve bench, in its own process so that the load generator does not
// share its event loop: a small random GPT with GPT-2's vocabulary behind `llm serve`'s server.
// Tells the parent its port, then answers 'rss' with its resident memory (and peak since the
// last ask) and the CPU time it has used.
import type { AddressInfo } from 'node:net';
import { GPTModel } from '@llm/gpt';
import { manualSeed } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { createServer } from '../src/server/index.js';

const config = JSON.parse(process.argv[2]);
manualSeed(123);
const model = new GPTModel(config.model).eval();
const server = createServer({ model, tokenizer: getEncoding('gpt2'), modelName: 'bench', maxBatch: config.maxBatch, maxQueue: 256 });
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (m) => {
  if (m === 'rss') {
    const cpu = process.cpuUsage(); // this process's threads, the matmul workers included
    process.send!({ rss: process.memoryUsage().rss, peakRss, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    peakRss = 0;
  } else if (m === 'stop') {
    clearInterval(sample);
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
