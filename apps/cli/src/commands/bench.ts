// llm bench: the packages' benchmarks (what `pnpm bench` runs), from a checkout of the repository.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, flag, str } from '../command.js';
import { CliError, UsageError } from '../errors.js';

/** The workspace root: the nearest folder with pnpm-workspace.yaml above `from`. */
function findRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

export const benchCommand: Command = {
  name: 'bench',
  summary: "run the packages' benchmarks (as `pnpm bench`): results go to bench-results/",
  args: '[options] [PACKAGE...]',
  description: 'Runs bench/index.ts of each named package (default: all that have one), one after another, from the repository checkout.',
  options: {
    only: { type: 'string', value: 'NAME', description: "run only this benchmark of each package (passed to its bench/index.ts)" },
    list: { type: 'boolean', description: 'list the packages with benchmarks' },
  },
  examples: ['llm bench', 'llm bench tensor', 'llm bench gpt --only forward'],
  async run({ values, positionals, io }) {
    const root = findRoot(process.cwd()) ?? findRoot(dirname(fileURLToPath(import.meta.url)));
    if (!root) throw new CliError('the benchmarks live in the source repository: run llm bench inside a checkout (no pnpm-workspace.yaml found above this folder)');
    const available = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'bench', 'index.ts'))).sort();
    if (flag(values, 'list')) {
      io.stdout.write(`${available.join('\n')}\n`);
      return 0;
    }
    const wanted = positionals.map((p) => p.replace(/^@llm\//, ''));
    const unknown = wanted.filter((p) => !available.includes(p));
    if (unknown.length) throw new UsageError(`no benchmarks for '${unknown[0]}'; packages with benchmarks: ${available.join(', ')}`);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    if (!existsSync(tsx)) throw new CliError(`tsx is not installed in ${root}: run 'npx -y pnpm@12.4.2 install' first`);
    const only = str(values, 'only');
    let failed = 0;
    for (const pkg of wanted.length ? wanted : available) {
      io.stdout.write(`\n== @llm/${pkg} ==\n`);
      const code = await run(tsx, ['bench/index.ts', ...(only ? [only] : [])], join(root, 'packages', pkg));
      if (code !== 0) {
        failed++;
        io.stderr.write(`llm bench: @llm/${pkg}'s benchmark exited with code ${code}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
