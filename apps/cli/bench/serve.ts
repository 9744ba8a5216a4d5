// `llm serve` under load on loopback: 1, 4 and 16 concurrent clients, each sending completion
// requests back to back for a fixed time (half of them streamed), against a server in its own
// process, the levels in interleaved rounds. Reports completion tokens/s over all clients (and per
// CPU-second of the server, steadier on a shared machine), p50/p99 request latency, errors and the
// server's peak RSS per level, and writes bench-results/serve-throughput.json (ours: tokens/s at
// 16 clients; the peer is the same server with one client, so the ratio is what batching buys).
// Then 16 clients against the same server with --max-batch 1 (one request at a time), for comparison.
// Bounded: about 4 × SECONDS seconds (default 8). Run: tsx bench/serve.ts [SECONDS]
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeBenchResult } from '../../../bench/report.js';

const seconds = Number(process.argv[2] ?? 8);
const maxTokens = 32;
const ROUNDS = 4;
// the shape of `llm pretrain --demo`'s model, what `llm serve` serves by default (random weights; its
// 4,096-token vocabulary decoded with GPT-2's tokenizer, whose first 4,096 ids are valid tokens too)
const config = {
  model: { vocabSize: 4096, contextLength: 64, embDim: 128, nHeads: 4, nLayers: 4, dropRate: 0, qkvBias: false },
  maxBatch: 16,
};

interface Level { clients: number; requests: number; tokensPerSecond: number; tokensPerCpuSecond: number; p50Ms: number; p99Ms: number; errors: number; peakRssMB: number }

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
    // 8 token ids below 4096, different for every request
    body: JSON.stringify({ prompt: Array.from({ length: 8 }, (_, j) => (i * 131 + j * 17) % 4096), max_tokens: maxTokens, temperature: 0, stream, stream_options: { include_usage: true } }),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  if (!stream) return (await res.json()).usage.completion_tokens;
  const text = await res.text();
  if (!text.endsWith('data: [DONE]\n\n')) throw new Error('stream ended without [DONE]');
  const events = text.split('\n\n').filter((e) => e.startsWith('data: {'));
  return JSON.parse(events[events.length - 1].slice(6)).usage.completion_tokens;
}

interface Tally { clients: number; tokens: number; errors: number; wall: number; cpu: number; peakRss: number; latencies: number[] }

/** One round at one level: `clients` clients sending requests back to back for `secs` seconds. */
async function round(t: Tally, secs: number): Promise<void> {
  child.send('rss');
  const { cpuSeconds: cpu0 } = await reply<{ cpuSeconds: number }>(); // also resets the peak
  const t0 = performance.now();
  const until = t0 + secs * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: t.clients }, async (_, c) => {
    while (performance.now() < until) {
      const i = n++;
      const start = performance.now();
      try {
        const got = await request(i, c % 2 === 1); // (not `t.tokens += await ...`: that adds to the value before the await)
        t.tokens += got;
        t.latencies.push(performance.now() - start);
      } catch (e) {
        t.errors++;
        console.error(`  request ${i}: ${(e as Error).message}`);
      }
    }
  }));
  t.wall += (performance.now() - t0) / 1000;
  child.send('rss');
  const { peakRss, cpuSeconds } = await reply<{ peakRss: number; cpuSeconds: number }>();
  t.cpu += cpuSeconds - cpu0;
  t.peakRss = Math.max(t.peakRss, peakRss);
}

/** The levels in interleaved rounds (1, 4, 16, 1, 4, 16, ...), so that a change in the machine's load hits them alike. */
async function levels(clientCounts: number[], rounds: number): Promise<Level[]> {
  const tallies = clientCounts.map((clients) => ({ clients, tokens: 0, errors: 0, wall: 0, cpu: 0, peakRss: 0, latencies: [] as number[] }));
  for (let r = 0; r < rounds; r++) for (const t of tallies) await round(t, seconds / rounds);
  return tallies.map((t) => {
    t.latencies.sort((a, b) => a - b);
    const pct = (p: number) => t.latencies[Math.min(t.latencies.length - 1, Math.floor(p * t.latencies.length))] ?? NaN;
    const l = { clients: t.clients, requests: t.latencies.length + t.errors, tokensPerSecond: t.tokens / t.wall, tokensPerCpuSecond: t.tokens / t.cpu, p50Ms: pct(0.5), p99Ms: pct(0.99), errors: t.errors, peakRssMB: t.peakRss / 2 ** 20 };
    console.log(`  ${l.clients} clients: ${l.requests} requests, ${l.tokensPerSecond.toFixed(1)} tokens/s (${l.tokensPerCpuSecond.toFixed(1)} per server CPU-second), p50 ${l.p50Ms.toFixed(0)} ms, p99 ${l.p99Ms.toFixed(0)} ms, ${l.errors} errors, peak RSS ${l.peakRssMB.toFixed(0)} MB`);
    return l;
  });
}

console.log(`llm serve, --max-batch ${config.maxBatch}:`);
await startServer(config.maxBatch);
const batched = await levels([1, 4, 16], ROUNDS);
await stopServer();
console.log('llm serve, --max-batch 1 (one request at a time, as before continuous batching):');
await startServer(1);
const [serial] = await levels([16], ROUNDS);
await stopServer();
const [one, , sixteen] = batched;
writeBenchResult({
  name: 'serve-throughput', unit: 'completion tokens/s at 16 clients', higherIsBetter: true, ours: sixteen.tokensPerSecond,
  peers: { 'same server, 1 client': one.tokensPerSecond, 'same server, 16 clients, --max-batch 1': serial.tokensPerSecond },
  config: {
    ...config, maxTokens, secondsPerLevel: seconds, rounds: ROUNDS, levels: batched, serial16: serial,
    speedup16: sixteen.tokensPerSecond / one.tokensPerSecond, speedup16PerCpuSecond: sixteen.tokensPerCpuSecond / one.tokensPerCpuSecond,
    note: 'loopback, server in its own process, greedy, half the clients streamed, levels in interleaved rounds; a shared machine',
  },
});
if ([...batched, serial].some((l) => l.errors > 0)) process.exitCode = 1;
