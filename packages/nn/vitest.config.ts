import { llmVitestConfig } from '../../vitest.shared.ts';

export default llmVitestConfig();
