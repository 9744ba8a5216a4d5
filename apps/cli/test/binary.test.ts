// The built `llm` binary as a user runs it: a real process, its exit codes and stderr, and
// `llm serve` answering HTTP until it is told to stop. Builds dist/cli.js first (tsup, about a
// second); the @llm packages it imports are built by `pnpm build` (turbo runs it before the tests).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@llm/gpt/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, tinyModel } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(appDir, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'llm-bin-'));
const modelDir = join(dir, 'tiny');

function llm(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { input: opts.input ?? '', encoding: 'utf8', env: { ...process.env, LLM_DEBUG: '', ...opts.env }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const tsup = join(dirname(require.resolve('tsup/package.json')), (require('tsup/package.json') as { bin: { tsup: string } }).bin.tsup);
  execFileSync(process.execPath, [tsup], { cwd: appDir, stdio: 'pipe' });
  await saveModel(tinyModel(), modelDir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the llm binary', () => {
  it('tokenizes, prints its version and help', () => {
    expect(llm(['tokenize', '--ids', 'Hello, world!'])).toEqual({ code: 0, out: '15496 11 995 0\n', err: '' });
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(llm(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(llm(['--help']).out).toMatch(/^llm \d+\.\d+\.\d+: /);
  });

  it('ends bad input with one line on stderr and a non-zero code; LLM_DEBUG=1 shows the stack', () => {
    expectOneLineError(llm(['generate', '--model', join(dir, 'missing'), 'Hi']), /^llm generate: no such model folder or file: /, 1);
    expectOneLineError(llm(['pretrain', '--steps', 'ten']), /^llm pretrain: --steps must be an integer >= 1, got 'ten'$/, 2);
    expectOneLineError(llm(['frobnicate']), /^llm: unknown command 'frobnicate'/, 2);
    const debug = llm(['generate', '--model', join(dir, 'missing'), 'Hi'], { env: { LLM_DEBUG: '1' } });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/\n\s+at /);
  });

  it('generates from a piped prompt; stdout, redirected, gets only the text', () => {
    const r = llm(['generate', '--model', modelDir, '-n', '4', '--seed', '1'], { input: 'Once upon a time\n' });
    expect(r.code).toBe(0);
    expect(r.out.startsWith('Once upon a time')).toBe(true);
    expect(r.err).toBe('');
  });

  it('suggests what was meant, with exit code 2; llm help COMMAND', () => {
    expectOneLineError(llm(['generat']), /^llm: unknown command 'generat'\. Did you mean 'generate'\?$/, 2);
    expectOneLineError(llm(['generate', '--temprature', '0.5']), /^llm generate: unknown option '--temprature'\. Did you mean '--temperature'\?$/, 2);
    const help = llm(['help', 'generate']);
    expect(help.code).toBe(0);
    expect(help.out).toBe(llm(['generate', '--help']).out);
    expect(llm([]).code).toBe(2);
  });

  it('llm serve answers until SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', '--model', modelDir, '--port', '0', '--name', 'tiny'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (s: string) => {
        out += s;
        const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const models = await (await fetch(`${url}/v1/models`)).json();
    expect(models.data[0].id).toBe('tiny');
    const res = await fetch(`${url}/api/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'tiny', prompt: 'Hi', stream: false, options: { num_predict: 3 } }) });
    expect((await res.json()).eval_count).toBeLessThanOrEqual(3);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
