// The consumer test's pieces: pack the workspace's packages as npm would publish them, install the
// tarballs into a fresh project outside the workspace with npm, and pull the code examples out of
// the READMEs.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The published packages, in layer order. */
export const PACKAGES = ['tokenizer', 'tensor', 'nn', 'gpt', 'train', 'finetune'] as const;
export type PackageName = (typeof PACKAGES)[number];

export const packageDir = (name: PackageName) => join(repoRoot, 'packages', name);
export const hasNodeEntry = (name: PackageName) => existsSync(join(packageDir(name), 'src', 'node.ts'));

export function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** `pnpm pack` of every package into `dest` (workspace: ranges become real versions); name → tarball path. */
export function packAll(dest: string): Record<PackageName, string> {
  mkdirSync(dest, { recursive: true });
  const out = {} as Record<PackageName, string>;
  for (const name of PACKAGES) {
    const before = new Set(readdirSync(dest));
    run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', dest], packageDir(name));
    const made = readdirSync(dest).filter((f) => !before.has(f) && f.endsWith('.tgz'));
    if (made.length !== 1) throw new Error(`pnpm pack of @llm/${name} made ${made.length} tarballs in ${dest}`);
    out[name] = join(dest, made[0]);
  }
  return out;
}

/** A fresh ESM project in `dir` with `deps` (name → tarball or version) installed by npm (registry dependencies from npm's cache when it has them). */
export function installProject(dir: string, deps: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  // a tarball path, or a version from the registry
  const dependencies = Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec.endsWith('.tgz') ? `file:${spec}` : spec]));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2)}\n`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir, 300_000);
}

/** Node's types for the TypeScript consumer, copied from the workspace (no download). */
export function provideNodeTypes(dir: string): void {
  const types = realpathSync(join(repoRoot, 'node_modules', '@types', 'node'));
  for (const [from, to] of [[types, '@types/node'], [join(types, '..', '..', 'undici-types'), 'undici-types']]) {
    const target = join(dir, 'node_modules', to);
    if (!existsSync(target)) cpSync(from, target, { recursive: true, dereference: true });
  }
}

export interface ReadmeExample {
  readme: string;
  index: number;
  lang: 'ts' | 'js';
  code: string;
  /** Why it is not run, from a `<!-- not run: reason -->` line right above the fence. */
  skip?: string;
}

/** Every ```ts / ```js block of a README, with its skip reason if it has one. */
export function readmeExamples(readmePath: string): ReadmeExample[] {
  const text = readFileSync(readmePath, 'utf8');
  const out: ReadmeExample[] = [];
  const fence = /(?:<!--\s*not run:\s*([^>]*?)\s*-->\s*\n)?```(ts|js)\n([\s\S]*?)```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    out.push({ readme: readmePath, index: out.length + 1, lang: m[2] as 'ts' | 'js', code: m[3], skip: m[1] });
  }
  return out;
}
