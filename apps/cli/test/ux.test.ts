// The CLI's manners, as people know them from git and cargo: `llm help <command>`, "did you mean"
// for mistyped commands, options and values, one exit-code rule (0 success, 1 failure, 2 usage)
// across every command, and progress on stderr so that stdout holds only the result.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@llm/gpt/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closest, editDistance } from '../src/suggest.js';
import { expectOneLineError, runCli, tinyModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-ux-'));
const modelDir = join(dir, 'tiny');
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const COMMANDS = ['tokenize', 'pretrain', 'generate', 'chat', 'classify', 'finetune classify', 'finetune instruct', 'download', 'convert', 'serve', 'bench'];

beforeAll(async () => {
  await saveModel(tinyModel(), modelDir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edit distance', () => {
  // textbook values: Levenshtein's kitten/sitting, and the optimal-string-alignment case where a
  // swap counts once ('ab' -> 'ba') but an edit inside a swap does not chain ('ca' -> 'abc' is 3, not 2)
  it.each([
    ['kitten', 'sitting', 3], ['', 'abc', 3], ['abc', '', 3], ['flaw', 'lawn', 2], ['ab', 'ba', 1],
    ['ca', 'abc', 3], ['tokneize', 'tokenize', 1], ['temprature', 'temperature', 1], ['generate', 'generate', 0],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('suggests the close name, a unique prefix, or nothing', () => {
    const names = ['tokenize', 'pretrain', 'generate', 'chat', 'classify', 'serve'];
    expect(closest('generat', names)).toBe('generate');
    expect(closest('GENERATE', names)).toBe('generate');
    expect(closest('gen', names)).toBe('generate');
    expect(closest('chta', names)).toBe('chat');
    expect(closest('c', names)).toBeUndefined(); // too short to be a prefix worth guessing
    expect(closest('frobnicate', names)).toBeUndefined();
    expect(closest('x', names)).toBeUndefined();
  });
});

describe('llm help', () => {
  it('lists every command with the exit codes; llm help and llm --help are the same', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.err).toBe('');
    for (const name of COMMANDS) expect(help.out).toContain(`  ${name} `);
    expect(help.out).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}the command failed.*\n {2}2 {2}the command line is wrong/);
    expect(help.out).toContain('progress bars, log lines and errors go to stderr');
    expect(await runCli(['--help'])).toEqual(help);
    expect(await runCli(['-h'])).toEqual(help);
  });

  it("llm help COMMAND is COMMAND's --help, on every level", async () => {
    for (const name of COMMANDS) {
      const words = name.split(' ');
      const viaHelp = await runCli(['help', ...words]);
      expect(viaHelp.code, name).toBe(0);
      expect(viaHelp.out).toMatch(new RegExp(`^Usage: llm ${name} `));
      expect(await runCli([...words, '--help'])).toEqual(viaHelp);
      expect(await runCli([...words, '-h'])).toEqual(viaHelp);
      expect(await runCli(['--help', ...words])).toEqual(viaHelp);
    }
    const group = await runCli(['help', 'finetune']);
    expect(group).toEqual(await runCli(['finetune', '--help']));
    expect(group.out).toMatch(/^Usage: llm finetune <classify\|instruct>/);
  });

  it('help wins over other mistakes on the line, as in git', async () => {
    const help = await runCli(['help', 'generate']);
    expect(await runCli(['generate', '--bogus', '--help'])).toEqual(help);
    expect(await runCli(['generate', '--temperature', 'hot', '-h'])).toEqual(help);
    // after --, --help is a prompt
    expect((await runCli(['generate', '--model', join(dir, 'none'), '--', '--help'])).code).toBe(1);
  });

  it('with no command, prints the list on stderr and exits 2', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toBe((await runCli(['help'])).out);
    const group = await runCli(['finetune']);
    expect(group.code).toBe(2);
    expect(group.out).toBe('');
    expect(group.err).toBe((await runCli(['help', 'finetune'])).out);
  });

  it('--version prints the version of package.json', async () => {
    for (const flag of ['--version', '-v', '-V']) expect(await runCli([flag])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});

describe('did you mean', () => {
  it('for commands', async () => {
    expectOneLineError(await runCli(['generat']), /^llm: unknown command 'generat'\. Did you mean 'generate'\?$/, 2);
    expectOneLineError(await runCli(['tokneize', 'hi']), /Did you mean 'tokenize'\?$/, 2);
    expectOneLineError(await runCli(['Serve']), /Did you mean 'serve'\?$/, 2);
    expectOneLineError(await runCli(['instruct']), /^llm: unknown command 'instruct'\. Did you mean 'finetune instruct'\?$/, 2);
    expectOneLineError(await runCli(['finetune', 'clasify']), /^llm: unknown finetune command 'clasify'\. Did you mean 'classify'\?$/, 2);
    expectOneLineError(await runCli(['help', 'generat']), /^llm: unknown command 'generat'\. Did you mean 'generate'\?$/, 2);
    expectOneLineError(await runCli(['frobnicate']), /^llm: unknown command 'frobnicate'; run 'llm help' for the list of commands$/, 2);
    expectOneLineError(await runCli(['finetune', 'translate']), /unknown finetune command 'translate'; the commands are 'finetune classify' and 'finetune instruct'$/, 2);
    expectOneLineError(await runCli(['finetune', '--steps', '3']), /^llm finetune: expected a command \(classify or instruct\) before '--steps'/, 2);
  });

  it('for options', async () => {
    expectOneLineError(await runCli(['generate', '--temprature', '0.5']), /^llm generate: unknown option '--temprature'\. Did you mean '--temperature'\?$/, 2);
    expectOneLineError(await runCli(['generate', '--modle=x', 'Hi']), /unknown option '--modle'\. Did you mean '--model'\?$/, 2);
    expectOneLineError(await runCli(['generate', '--max-token', '5']), /Did you mean '--max-tokens'\?$/, 2);
    expectOneLineError(await runCli(['generate', '-temperature', '0.5']), /unknown option '-temperature'\. Did you mean '--temperature'\?$/, 2);
    expectOneLineError(await runCli(['tokenize', '-json', 'hi']), /unknown option '-json'\. Did you mean '--json'\?$/, 2);
    expectOneLineError(await runCli(['tokenize', '--bogus']), /^llm tokenize: unknown option '--bogus' \(see: llm tokenize --help\)$/, 2);
    expectOneLineError(await runCli(['tokenize', '-x', 'hi']), /unknown option '-x' \(see: llm tokenize --help\)$/, 2);
    expectOneLineError(await runCli(['--verison']), /^llm: unknown option '--verison'\. Did you mean '--version'\?$/, 2);
    expectOneLineError(await runCli(['--model', 'x', 'generate']), /^llm: unknown option '--model': a command comes first/, 2);
  });

  it('for values from a fixed list', async () => {
    expectOneLineError(await runCli(['generate', '--model', modelDir, '--backend', 'webgpy', 'Hi']), /--backend must be one of cpu, webgpu, got 'webgpy'\. Did you mean 'webgpu'\?$/, 2);
    expectOneLineError(await runCli(['convert', '--to', 'HF', modelDir, join(dir, 'x')]), /--to must be one of hf, ours, got 'HF'\. Did you mean 'hf'\?$/, 2);
    expectOneLineError(await runCli(['download', 'gpt2-medum']), /^llm download: unknown model 'gpt2-medum'\. Did you mean 'gpt2-medium'\?$/, 2);
    expectOneLineError(await runCli(['download', 'gpt5-turbo']), /unknown model 'gpt5-turbo'; the names are gpt2, /, 2);
    expectOneLineError(await runCli(['pretrain', '--demo', '--config', 'tinny']), /unknown config 'tinny'\. Did you mean 'tiny'\?$/, 2);
  });
});

describe('one exit-code rule: 2 for the command line, 1 for failures', () => {
  const missing = join(dir, 'missing');
  // each: the command line, the exit code, what the one line on stderr says
  const cases: [string[], number, RegExp][] = [
    // option values and their combinations
    [['generate', '--model'], 2, /option '--model' needs a value: --model DIR\|NAME/],
    [['generate', '--model', '--temperature', '0', 'Hi'], 2, /option '--model' needs a value .*got the option '--temperature' after it/],
    [['generate', '--model', modelDir, '--temperature', '-1', 'Hi'], 2, /--temperature must be a number >= 0, got '-1'/],
    [['generate', '--model', modelDir, '-n', '0', 'Hi'], 2, /--max-tokens must be an integer >= 1, got '0'/],
    [['tokenize', '--json=yes', 'hi'], 2, /option '--json' takes no value, got '--json=yes'/],
    [['tokenize', '--ids', '--file', missing, 'extra'], 2, /give the text as arguments or --file, not both/],
    [['serve', '--port', '99999'], 2, /--port must be an integer >= 0 and <= 65535, got '99999'/],
    [['serve', 'extra'], 2, /unexpected argument 'extra': llm serve takes only options/],
    [['chat', 'hello'], 2, /unexpected argument 'hello': llm chat takes only options/],
    [['pretrain', '--steps', '2', '--epochs', '1'], 2, /give --steps or --epochs, not both/],
    [['pretrain', '--demo', '--n-heads', '3', '--out', join(dir, 'p')], 2, /tiny: .*embDim \(128\) must be divisible by nHeads \(3\)/],
    [['finetune', 'instruct', '--judge-model', 'llama3'], 2, /--judge-model needs --judge URL/],
    [['finetune', 'classify', '--lora-alpha', '8'], 2, /--lora-alpha needs --lora-rank/],
    [['bench', 'nosuchpackage'], 2, /no benchmarks for 'nosuchpackage'/],
    // missing arguments
    [['download'], 2, /name a model to download/],
    [['convert', modelDir], 2, /expected FROM and TO, got 1 argument/],
    [['classify'], 2, /no text/],
    // failures: the line was fine, the world was not
    [['tokenize', '--file', missing], 1, /no such file or folder: .*missing/],
    [['generate', '--model', missing, 'Hi'], 1, /no such model folder or file: .*missing/],
    [['classify', '--model', missing, 'Hi'], 1, /no such model folder or file: .*missing/],
    [['convert', missing, join(dir, 'out')], 1, /missing/],
    [['serve', '--model', missing], 1, /no such model folder or file/],
    [['chat', '--model', missing], 1, /no such model folder or file/],
    [['pretrain', '--demo', '--text', missing, '--out', join(dir, 'q')], 1, /missing/],
    [['pretrain', '--resume', '--out', missing], 1, /nothing to resume/],
  ];
  it.each(cases)('llm %j exits %i', async (args, code, message) => {
    expectOneLineError(await runCli(args), message, code);
  });
});

describe('progress on stderr, results on stdout', () => {
  it('generate > out.txt gets only the text; the rate goes to a terminal on stderr', async () => {
    const args = ['generate', '--model', modelDir, '--temperature', '0', '-n', '4', 'Every effort'];
    const piped = await runCli(args);
    expect(piped.err).toBe('');
    const atTerminal = await runCli(args, { stderrIsTTY: true, env: { NO_COLOR: '1' } });
    expect(atTerminal.out).toBe(piped.out);
    expect(atTerminal.out.startsWith('Every effort')).toBe(true);
    expect(atTerminal.err).toMatch(/^4 tokens in \d+\.\d+ s \(.* tokens\/s\), reached --max-tokens\n$/);
  });

  it("chat at a terminal keeps its banner and prompt off stdout", async () => {
    const r = await runCli(['chat', '--model', modelDir]); // stdin a terminal that is closed at once (Ctrl-D)
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Chatting with .*\/exit or Ctrl-D to leave\.\n> \n$/);
  });

  it('a training run draws its bar on stderr and prints only the summary on stdout', async () => {
    const out = join(dir, 'demo');
    const quick = ['--emb-dim', '16', '--n-layers', '1', '--n-heads', '2', '--context-length', '16', '--batch-size', '2', '--max-chars', '5000', '--vocab-size', '300'];
    const r = await runCli(['pretrain', '--demo', '--steps', '2', '--eval-every', '1', '--sample-every', '1', ...quick, '--out', out], { stderrIsTTY: true });
    expect(r.code).toBe(0);
    // a redrawn bar (carriage returns and line clears) and the log lines, all on stderr
    expect(r.err).toContain('\r');
    expect(r.err).toMatch(/step +2\/2/);
    expect(r.err).toMatch(/Pretraining a GPT/);
    expect(r.out).not.toMatch(/[\r\x1b]/);
    expect(r.out).toMatch(/^Done in \d+ s: train loss \d+\.\d+, validation loss \d+\.\d+ \(\d+\.\d+ bits per byte\)\.\nGenerate more: llm generate --model .*\n$/);
  });
});
