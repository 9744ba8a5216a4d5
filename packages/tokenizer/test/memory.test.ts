// Loading GPT-2's encoding must cost under 50 MB of memory: measured in a fresh Node process with the garbage
// collector exposed, as the heap plus array buffers after a forced collection, before and after the load.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const script = `
const used = () => { gc(); gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const before = used();
const { getEncoding } = await import(${JSON.stringify(entry)});
const enc = getEncoding('gpt2');
enc.encode('warm up: hello world');
const after = used();
console.log(JSON.stringify({ bytes: after - before, ids: enc.encode('hello world') }));
`;

describe('memory', () => {
  it('loading gpt2 costs less than 50 MB', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    const { bytes, ids } = JSON.parse(out.trim().split('\n').at(-1)!);
    console.log(`gpt2 load: ${(bytes / 2 ** 20).toFixed(1)} MB`);
    expect(ids).toEqual([31373, 995]);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(50 * 2 ** 20);
  });
});

const o200kScript = (file: string) => `
const { readFileSync } = await import('node:fs');
const used = () => { gc(); gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const text = readFileSync(${JSON.stringify(file)}, 'utf8');
const before = used();
const { loadTiktokenEncoding } = await import(${JSON.stringify(entry)});
const enc = loadTiktokenEncoding('o200k_base', text);
enc.encode('warm up: hello world');
const after = used();
console.log(JSON.stringify({ bytes: after - before, ids: enc.encode('hello world') }));
`;

describe('memory of o200k_base', () => {
  it('loading it from its rank file (already read) costs less than 100 MB', async () => {
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const file = join(dirname(createRequire(import.meta.url).resolve('gpt-tokenizer')), '..', 'data', 'o200k_base.tiktoken');
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', o200kScript(file)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    const { bytes, ids } = JSON.parse(out.trim().split('\n').at(-1)!);
    console.log(`o200k_base load: ${(bytes / 2 ** 20).toFixed(1)} MB`);
    expect(ids).toEqual([24912, 2375]);
    expect(bytes).toBeLessThan(100 * 2 ** 20);
  });
});
