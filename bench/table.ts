// Prints bench-results/*.json as one Markdown table (for the README): each result, ours, and every
// peer with the ratio ours/peer (inverted where lower is better, so > 1 always means we are ahead).
//   npx tsx bench/table.ts [name-substring ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchResult, benchResultsDir } from './report.js';

const filters = process.argv.slice(2);
const files = readdirSync(benchResultsDir).filter((f) => f.endsWith('.json')).sort();
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3));

console.log('| benchmark | unit | ours | peers (ours ÷ peer; > 1: ours ahead) |');
console.log('|---|---|---:|---|');
for (const f of files) {
  const r: BenchResult = JSON.parse(readFileSync(join(benchResultsDir, f), 'utf8'));
  if (filters.length && !filters.some((s) => r.name.includes(s))) continue;
  const peers = Object.entries(r.peers)
    .map(([name, v]) => `${name} ${fmt(v)} (${(r.higherIsBetter ? r.ours / v : v / r.ours).toFixed(2)}×)`)
    .join('; ');
  console.log(`| ${r.name} | ${r.unit}${r.higherIsBetter ? '' : ', lower is better'} | ${fmt(r.ours)} | ${peers || '—'} |`);
}
