// Unit tests run in Node; test/e2e drives the built page in headless Chromium. LLM_SKIP_BROWSER=1
// leaves the browser test out (for machines without Chromium); otherwise a missing Chromium fails it.
import { mergeConfig } from 'vitest/config';
import { llmVitestConfig } from '../../vitest.shared.ts';

const skipBrowser = process.env.LLM_SKIP_BROWSER === '1';
if (skipBrowser) console.log('@llm/playground: LLM_SKIP_BROWSER=1, the headless Chromium test (test/e2e) is left out');

export default mergeConfig(llmVitestConfig({ testTimeout: 180_000 }), {
  test: {
    include: ['test/**/*.test.ts'],
    exclude: skipBrowser ? ['test/e2e/**'] : [],
  },
});
