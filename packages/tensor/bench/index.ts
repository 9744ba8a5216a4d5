// Benchmarks of @llm/tensor: each writes bench-results/<name>.json (see bench/report.ts at the root).
import { run as matmul } from './matmul.js';

await matmul();
await (await import('./opmix.js')).run();
if (process.env.LLM_BENCH_WEBGPU !== '0') await (await import('./webgpu.js')).run();
