import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The source maps embed every source file, except the generated data tables (GPT-2's ranks, Unicode
// classes): those are already in the bundle once, and a second copy in the map would double the tarball.
function dropDataSources(): void {
  for (const file of readdirSync('dist').filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(`dist/${file}`, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    map.sourcesContent = map.sourcesContent?.map((s, i) => (map.sources[i].includes('/src/data/') ? null : s));
    writeFileSync(`dist/${file}`, JSON.stringify(map));
  }
}

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  onSuccess: async () => dropDataSources(),
});
