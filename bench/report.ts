// One benchmark result: written to bench-results/<name>.json and printed as a table.
// Peers are measured in the same run on the same machine, so the ratio is what counts.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  ours: number;
  peers: Record<string, number>;
  config: Record<string, unknown>;
}

export const benchResultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');

export function writeBenchResult(result: BenchResult): string {
  mkdirSync(benchResultsDir, { recursive: true });
  const file = join(benchResultsDir, `${result.name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(result, null, 2) + '\n');
  renameSync(tmp, file);
  printBenchTable(result);
  return file;
}

export function printBenchTable(r: BenchResult): void {
  const rows: [string, number][] = [['ours', r.ours], ...Object.entries(r.peers)];
  const best = r.higherIsBetter ? Math.max(...rows.map(([, v]) => v)) : Math.min(...rows.map(([, v]) => v));
  const w = Math.max(...rows.map(([k]) => k.length), 8);
  console.log(`\n${r.name} (${r.unit}, ${r.higherIsBetter ? 'higher' : 'lower'} is better)`);
  for (const [k, v] of rows) {
    const ratio = r.ours / v;
    const mark = v === best ? ' *' : '';
    console.log(`  ${k.padEnd(w)}  ${fmt(v).padStart(12)}${k === 'ours' ? '' : `   ours/peer ${ratio.toFixed(2)}x`}${mark}`);
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** Median wall time in ms of `fn` after `warmup` runs, over at least `minRuns` runs or `minMs` ms. */
export async function timeIt(fn: () => unknown | Promise<unknown>, opts: { warmup?: number; minRuns?: number; minMs?: number } = {}): Promise<number> {
  const { warmup = 1, minRuns = 3, minMs = 500 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (times.length >= 50) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A peer's figure, or undefined (with the reason printed) when the peer cannot run here. */
export async function measurePeer(name: string, measure: () => Promise<number>): Promise<number | undefined> {
  try {
    return await measure();
  } catch (e) {
    console.log(`  (${name} skipped: ${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

/** A named benchmark case; runBenchCases runs those whose name contains the first non-flag argument (all without one). */
export interface BenchCase {
  name: string;
  run: () => Promise<void>;
}

export async function runBenchCases(cases: readonly BenchCase[], argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const only = argv.find((a) => !a.startsWith('-'));
  for (const c of cases) {
    if (only && !c.name.includes(only)) continue;
    const t0 = performance.now();
    await c.run();
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
