import { llmVitestConfig } from '../../vitest.shared';

export default llmVitestConfig();
