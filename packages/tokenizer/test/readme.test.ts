// Runs the README's first example and checks that each console.log prints what the comment after it says.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** The comment that documents each console.log: on the same line, or on the line after it. */
function expectedOutputs(code: string): string[] {
  const lines = code.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (!line.trimStart().startsWith('console.log(')) return;
    const same = line.match(/\/\/ (.*)$/);
    out.push(same ? same[1] : lines[i + 1].trim().replace(/^\/\/ /, ''));
  });
  return out;
}

describe('README', () => {
  it('runs the example and prints what its comments say', async () => {
    const code = readme.match(/```ts\n([\s\S]*?)```/)![1];
    const dir = mkdtempSync(join(tmpdir(), 'llm-tokenizer-readme-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace(`from '@llm/tokenizer'`, `from ${JSON.stringify(entry)}`));
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity }))).join(' '));
    });
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const squash = (s: string) => s.replace(/\s+/g, '');
    expect(printed.map(squash)).toEqual(expectedOutputs(code).map(squash));
  });
});
