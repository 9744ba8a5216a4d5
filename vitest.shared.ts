// Shared vitest settings: workspace packages resolve to their TypeScript sources, so a test
// of @llm/gpt exercises the current @llm/tensor without rebuilding it first. Only the public
// entry points resolve (`@llm/x` and `@llm/x/node`), as for a user of the published packages.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export const workspaceAliases = [
  { find: /^@llm\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@llm\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node.ts` },
];

export function llmVitestConfig(overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { alias: workspaceAliases },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  });
}
