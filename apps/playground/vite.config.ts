// The playground bundles the workspace packages from their TypeScript sources (the same aliases
// the tests use), so `vite build` and `vite dev` need no prior build of @llm/*. It imports only
// the packages' browser-safe main entries.
import { defineConfig } from 'vite';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  base: './',
  resolve: { alias: workspaceAliases },
  build: {
    target: 'es2022',
    // the GPT-2 vocabulary alone is ~270 kB of source
    chunkSizeWarningLimit: 2048,
  },
});
