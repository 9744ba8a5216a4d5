// The README's code blocks run as written (with '@llm/tensor' pointed at src/): the linear
// regression must learn w ≈ 3 and b ≈ 2 with a falling loss, and the other snippets must print
// what their comments say.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { testBackends, useBackend } from './helpers/backends.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const srcIndex = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Runs one README block as a module and returns what it printed with console.log. */
async function runBlock(code: string, tag: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'llm-tensor-readme-'));
  const file = join(dir, `${tag}.ts`);
  writeFileSync(file, code.replaceAll("from '@llm/tensor'", `from ${JSON.stringify(srcIndex)}`));
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)))).join(' '));
  });
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

const blockAfter = (heading: string) => {
  const at = readme.indexOf(heading);
  expect(at, `README has a "${heading}" section`).toBeGreaterThanOrEqual(0);
  return blocks.find((b) => readme.indexOf(b) > at)!;
};

describe.each(testBackends())('README examples (%s)', (backend) => {
  useBackend(backend);

  it('the linear regression learns w ≈ 3, b ≈ 2 with a falling loss', async () => {
    const lines = await runBlock(blockAfter('## Example'), `regression-${backend}`);
    const losses = lines.filter((l) => l.startsWith('step ')).map((l) => Number(l.split('loss ')[1]));
    expect(losses.length).toBe(6);
    expect(losses[0]).toBeGreaterThan(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
    expect(losses.at(-1)).toBeLessThan(0.02); // the noise variance is 0.01
    const m = /learned w = ([\d.-]+), b = ([\d.-]+)/.exec(lines.at(-1)!);
    expect(m, lines.at(-1)).not.toBeNull();
    expect(Math.abs(Number(m![1]) - 3)).toBeLessThan(0.05);
    expect(Math.abs(Number(m![2]) - 2)).toBeLessThan(0.05);
  });

  it('the Tensors snippet prints what its comments say', async () => {
    const lines = await runBlock(blockAfter('## Tensors'), `tensors-${backend}`);
    expect(lines).toEqual(['[3,2] [1,3] false', '[[1,4],[2,5],[3,6]]', '[6,15]', '10']);
  });

  it("the autograd snippet reproduces the book's appendix A numbers", async () => {
    const [line] = await runBlock(blockAfter('## Autograd'), `autograd-${backend}`);
    const [loss, dw, db] = line.split(' ').map(Number);
    expect(loss).toBeCloseTo(0.0852, 4);
    expect(dw).toBeCloseTo(-0.0898, 4);
    expect(db).toBeCloseTo(-0.0817, 4);
  });
});
