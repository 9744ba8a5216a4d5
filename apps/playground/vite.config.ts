// The playground bundles the workspace packages from their TypeScript sources (the same aliases
// the tests use), so `vite build` and `vite dev` need no prior build of @llm/*. It imports only
// the packages' browser-safe main entries. Both servers send the cross-origin isolation headers:
// with them the page gets SharedArrayBuffer, and the CPU backend's kernels run on several Web
// Workers sharing the WebAssembly memory (a static host must send the same two headers).
import { fileURLToPath } from 'node:url';
import { defineConfig, searchForWorkspaceRoot } from 'vite';
import { workspaceAliases } from '../../vitest.shared.ts';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  resolve: { alias: workspaceAliases },
  // the dev server may also read the built-in text from ../shared/data beside the repository
  server: { headers: ISOLATION_HEADERS, fs: { allow: [searchForWorkspaceRoot(process.cwd()), fileURLToPath(new URL('../../../shared/data/', import.meta.url))] } },
  preview: { headers: ISOLATION_HEADERS },
  // the training worker is an ES module worker (it shares chunks with the page)
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // the GPT-2 vocabulary alone is ~270 kB of source
    chunkSizeWarningLimit: 2048,
  },
});
