// Gathers the WebGPU figures of one device run (bench-results/*webgpu*.json, written by the tensor,
// train and gpt benches) into results/webgpu-<adapter>.json, each entry in the bench format, with
// the command that made them. Run by scripts/bench-gpu.sh.
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { type BenchResult, benchResultsDir, printBenchTable } from './report.js';

const root = join(benchResultsDir, '..');
const results = readdirSync(benchResultsDir)
  .filter((f) => f.endsWith('.json') && f.includes('webgpu'))
  .map((f) => JSON.parse(readFileSync(join(benchResultsDir, f), 'utf8')) as BenchResult)
  .sort((a, b) => a.name.localeCompare(b.name));
if (results.length === 0) throw new Error(`collect-webgpu: no WebGPU results in ${benchResultsDir} (did the benches find an adapter?)`);

const adapters = [...new Set(results.map((r) => String(r.config.adapter ?? 'unknown adapter')))];
const adapter = adapters[0];
// vendor / architecture / device, as describeAdapter() names them: 'nvidia-hopper-nvidia-h200'
const slug = adapter.split(' / ').slice(0, 3).join(' ').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'unknown';
const command = process.env.LLM_BENCH_COMMAND ?? 'bash scripts/bench-gpu.sh';
const out = {
  name: `webgpu-${slug}`,
  adapter,
  command,
  measuredAt: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, threads: availableParallelism(), node: process.version },
  ...(adapters.length > 1 ? { adapters } : {}),
  ...(/software|llvmpipe|lavapipe|swiftshader/i.test(adapter) ? { note: 'a software adapter: these figures show that the device run works end to end, not GPU speed' } : {}),
  results,
};
const file = join(root, 'results', `${out.name}.json`);
writeFileSync(`${file}.tmp`, `${JSON.stringify(out, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
for (const r of results) printBenchTable(r);
console.log(`\nwrote ${file} (${results.length} results on ${adapter})`);
