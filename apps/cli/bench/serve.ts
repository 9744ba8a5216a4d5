// `llm serve` under load on loopback: 1, 4 and 16 concurrent clients, each sending completion
// requests back to back for a fixed time (half of them streamed), against a server in its own
// process. Reports completion tokens/s over all clients, p50/p99 request latency, errors and the
// server's peak RSS per level, and writes bench-results/serve-throughput.json (ours: tokens/s at
// 16 clients; the peer is the same server with one client, so the ratio is what batching buys).
// Then 16 clients against the same server with --max-batch 1 (one request at a time), for comparison.
// Bounded: about 4 × SECONDS seconds (default 8). Run: tsx bench/serve.ts [SECONDS]
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeBenchResult } from '../../../bench/report.js';

const seconds = Number(process.argv[2] ?? 8);
const maxTokens = 32;
const config = {
  model: { vocabSize: 50257, contextLength: 256, embDim: 64, nHeads: 4, nLayers: 2, dropRate: 0, qkvBias: false },
  maxBatch: 16,
};

interface Level { clients: number; requests: number; tokensPerSecond: number; p50Ms: number; p99Ms: number; errors: number; peakRssMB: number }

let child: ChildProcess;
let base = '';
const reply = <T>(): Promise<T> => new Promise((resolve) => child.once('message', (m) => resolve(m as T)));

async function startServer(maxBatch: number): Promise<void> {
  child = fork(fileURLToPath(new URL('./serve-child.ts', import.meta.url)), [JSON.stringify({ ...config, maxBatch })], { execArgv: ['--import', 'tsx'] });
  const { port } = await reply<{ port: number }>();
  base = `http://127.0.0.1:${port}`;
  await request(0, false); // warm up
}

async function stopServer(): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

/** One request; resolves to its completion tokens (0 for an error). */
async function request(i: number, stream: boolean): Promise<number> {
  const res = await fetch(`${base}/v1/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: `Request ${i}: the jury said that`, max_tokens: maxTokens, temperature: 0, stream, stream_options: { include_usage: true } }),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  if (!stream) return (await res.json()).usage.completion_tokens;
  const text = await res.text();
  if (!text.endsWith('data: [DONE]\n\n')) throw new Error('stream ended without [DONE]');
  const events = text.split('\n\n').filter((e) => e.startsWith('data: {'));
  return JSON.parse(events[events.length - 1].slice(6)).usage.completion_tokens;
}

async function level(clients: number): Promise<Level> {
  const latencies: number[] = [];
  let tokens = 0, errors = 0, n = 0;
  child.send('rss');
  await reply(); // resets the peak
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    while (performance.now() < until) {
      const i = n++;
      const start = performance.now();
      try {
        const got = await request(i, c % 2 === 1); // (not `tokens += await ...`: that adds to the value before the await)
        tokens += got;
        latencies.push(performance.now() - start);
      } catch (e) {
        errors++;
        console.error(`  request ${i}: ${(e as Error).message}`);
      }
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  child.send('rss');
  const { peakRss } = await reply<{ peakRss: number }>();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const r = { clients, requests: latencies.length + errors, tokensPerSecond: tokens / wall, p50Ms: pct(0.5), p99Ms: pct(0.99), errors, peakRssMB: peakRss / 2 ** 20 };
  console.log(`  ${clients} clients: ${r.requests} requests, ${r.tokensPerSecond.toFixed(1)} tokens/s, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, ${errors} errors, peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  return r;
}

console.log(`llm serve, --max-batch ${config.maxBatch}:`);
await startServer(config.maxBatch);
const levels: Level[] = [];
for (const clients of [1, 4, 16]) levels.push(await level(clients));
await stopServer();
console.log('llm serve, --max-batch 1 (one request at a time, as before continuous batching):');
await startServer(1);
const serial = await level(16);
await stopServer();
const [one, , sixteen] = levels;
writeBenchResult({
  name: 'serve-throughput', unit: 'completion tokens/s at 16 clients', higherIsBetter: true, ours: sixteen.tokensPerSecond,
  peers: { 'same server, 1 client': one.tokensPerSecond, 'same server, 16 clients, --max-batch 1': serial.tokensPerSecond },
  config: { ...config, maxTokens, secondsPerLevel: seconds, levels, serial16: serial, speedup16: sixteen.tokensPerSecond / one.tokensPerSecond, note: 'loopback, server in its own process, greedy, half the clients streamed; a shared machine' },
});
if ([...levels, serial].some((l) => l.errors > 0)) process.exitCode = 1;
