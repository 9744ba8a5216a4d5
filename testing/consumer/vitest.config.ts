import { defineConfig } from 'vitest/config';

// no workspace aliases here: this suite uses the packed, installed packages
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000, pool: 'forks' },
});
