// The `llm` command run in-process: tokenize against tiktoken's ids, generate/chat/convert with a
// tiny saved model, help on every level, and bad input ending in one line and a non-zero code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@llm/gpt';
import { exportHuggingFace, loadModel, saveModel } from '@llm/gpt/node';
import { tensor } from '@llm/tensor';
import { getEncoding } from '@llm/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, listen, runCli, tinyModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-cli-'));
const modelDir = join(dir, 'tiny');
const tokenizer = getEncoding('gpt2');

beforeAll(async () => {
  await saveModel(tinyModel(), modelDir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llm tokenize', () => {
  // ids from OpenAI's tiktoken ("gpt2" encoding)
  it('gives GPT-2 ids for "Hello, world!"', async () => {
    const r = await runCli(['tokenize', '--ids', 'Hello, world!']);
    expect(r).toEqual({ code: 0, out: '15496 11 995 0\n', err: '' });
  });

  it('prints ids and pieces, as JSON with --json', async () => {
    const plain = await runCli(['tokenize', 'Hello, world!']);
    expect(plain.out).toBe('ids:    [15496, 11, 995, 0]\ntokens: ["Hello",","," world","!"]\n4 tokens, 13 characters\n');
    const json = JSON.parse((await runCli(['tokenize', '--json', 'Hello, world!'])).out);
    expect(json.ids).toEqual([15496, 11, 995, 0]);
    expect(json.tokens.map((t: { text: string }) => t.text)).toEqual(['Hello', ',', ' world', '!']);
    expect(json.tokens[2]).toEqual({ id: 995, text: ' world', start: 6, end: 12 });
  });

  it('reads standard input and encodes <|endoftext|> as the special token', async () => {
    const text = 'Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace.';
    const r = await runCli(['tokenize', '--ids'], { stdin: `${text}\n` });
    expect(r.out.trim().split(' ').map(Number)).toEqual([15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114, 286, 617, 34680, 27271, 13]);
    // standard input is read exactly, less the final line end
    const lines = await runCli(['tokenize', '--ids'], { stdin: 'Hello\n\nworld\r\n' });
    expect(lines.out.trim().split(' ').map(Number)).toEqual(tokenizer.encode('Hello\n\nworld'));
    const ordinary = await runCli(['tokenize', '--ids', '--ordinary', '<|endoftext|>']);
    expect(ordinary.out.trim().split(' ').map(Number)).toEqual([27, 91, 437, 1659, 5239, 91, 29]);
  });

  it('marks tokens that are part of a character and decodes ids back', async () => {
    const json = JSON.parse((await runCli(['tokenize', '--json', '🦙'])).out);
    expect(json.ids).toEqual([8582, 99, 247]);
    expect(json.tokens.map((t: { partial?: boolean }) => t.partial)).toEqual([true, true, true]);
    expect((await runCli(['tokenize', '--decode', '8582', '99', '247', '15496'])).out).toBe('🦙Hello\n');
  });

  it('fails in one line on a missing file or a bad id', async () => {
    expectOneLineError(await runCli(['tokenize', '--file', join(dir, 'nope.txt')]), /no such file or folder: .*nope\.txt/, 1);
    expectOneLineError(await runCli(['tokenize', '--decode', '15496', 'x']), /a token id must be an integer >= 0 and <= 50256, got 'x'/, 2);
    expectOneLineError(await runCli(['tokenize']), /no text/, 2);
  });
});

describe('llm generate and chat', () => {
  it('streams the greedy continuation of a saved model', async () => {
    const r = await runCli(['generate', '--model', modelDir, '--temperature', '0', '-n', '5', 'Every effort moves you']);
    expect(r.code).toBe(0);
    const ids = tokenizer.encode('Every effort moves you');
    const out = await generate(tinyModel(), ids, { maxNewTokens: 5, temperature: 0, eosId: 50256 });
    expect(r.out).toBe(`Every effort moves you${tokenizer.decode(Array.from(await out.data()).slice(ids.length))}\n`);
  });

  it('repeats a seeded sample and reads the prompt from standard input', async () => {
    const args = ['generate', '--model', modelDir, '--seed', '42', '--temperature', '1', '--top-k', '20', '-n', '6', '--no-prompt'];
    const a = await runCli(args, { stdin: 'Once upon a time\n' });
    const b = await runCli([...args, 'Once upon a time']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  });

  it('chat answers each piped line', async () => {
    const r = await runCli(['chat', '--model', modelDir, '-n', '3'], { stdin: 'Name a colour.\n\nName a fruit.\n' });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.split('\n').length).toBeGreaterThanOrEqual(3); // two answers, each ending in a newline
    const json = await runCli(['chat', '--model', modelDir, '-n', '3', '--json'], { stdin: 'Name a colour.\nName a fruit.\n' });
    const answers = json.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(answers.map((a) => a.instruction)).toEqual(['Name a colour.', 'Name a fruit.']);
    // the tiny model never draws <|endoftext|> in 3 greedy tokens here, so each answer is cut at --max-tokens or a stop
    for (const a of answers) expect(['length', 'stop']).toContain(a.finishReason);
  });

  it('fails in one line on a missing, corrupt or unknown model and bad options', async () => {
    expectOneLineError(await runCli(['generate', '--model', join(dir, 'none'), 'Hi']), /no such model folder or file: .*none/, 1);
    expectOneLineError(await runCli(['generate', '--model', 'gpt5', 'Hi']), /nor a GPT-2 name: gpt2, 124M/, 1);
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, 'this is not a safetensors file');
    expectOneLineError(await runCli(['generate', '--model', corrupt, 'Hi']), /corrupt\.safetensors/, 1);
    expectOneLineError(await runCli(['generate', '--model', modelDir, '--temperature', 'hot', 'Hi']), /--temperature must be a number >= 0, got 'hot'/, 2);
    expectOneLineError(await runCli(['generate', '--model', modelDir, '--top-p', '1.5', 'Hi']), /--top-p must be a number > 0 and <= 1/, 2);
    expectOneLineError(await runCli(['generate', '--model', modelDir, '--backend', 'tpu', 'Hi']), /--backend must be one of cpu, webgpu, got 'tpu'/, 2);
    expectOneLineError(await runCli(['generate', '--model', modelDir]), /no prompt/, 2);
  });
});

describe('llm convert', () => {
  it("round-trips our checkpoint through Hugging Face's layout with the same logits", async () => {
    const hf = join(dir, 'hf');
    const back = join(dir, 'back');
    expect((await runCli(['convert', modelDir, hf])).out).toMatch(/Hugging Face's GPT-2 layout/);
    expect((await runCli(['convert', hf, back])).out).toMatch(/in our layout/);
    const ids = tensor(Int32Array.from([15496, 11, 995, 0]), { shape: [1, 4] });
    const [a, b] = await Promise.all([loadModel(modelDir), loadModel(back)].map(async (m) => Array.from(await (await m).forward(ids).data())));
    expect(b.length).toBe(a.length);
    expect(b.findIndex((x, i) => x !== a[i])).toBe(-1);
    expectOneLineError(await runCli(['convert', modelDir, hf]), /is not empty; pass --force/, 2);
    expectOneLineError(await runCli(['convert', modelDir]), /expected FROM and TO, got 1 argument/, 2);
    expectOneLineError(await runCli(['convert', '--to', 'onnx', modelDir, join(dir, 'x')]), /--to must be one of hf, ours/, 2);
  });
});

describe('llm download', () => {
  it('downloads from a mirror (here a loopback server) into the cache, with progress on stderr', async () => {
    const hubDir = join(dir, 'hub');
    await exportHuggingFace(tinyModel(), hubDir);
    const server = http.createServer((req, res) => {
      const m = /^\/openai-community\/gpt2\/resolve\/main\/(config\.json|model\.safetensors)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      const body = readFileSync(join(hubDir, m[1]));
      res.writeHead(200, { 'Content-Length': body.length }).end(body);
    });
    const base = await listen(server);
    const cache = join(dir, 'cache');
    try {
      const r = await runCli(['download', 'gpt2', '--cache-dir', cache, '--base-url', base]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`gpt2: ${join(cache, 'gpt2')} (1 layers, embDim 16, 2 heads, context 64)\n`);
      expect(r.err).toMatch(/model\.safetensors .*100%.*done/);
      expect(readFileSync(join(cache, 'gpt2', 'model.safetensors')).equals(readFileSync(join(hubDir, 'model.safetensors')))).toBe(true);
      expect((await runCli(['download', '--list', '--cache-dir', cache])).out).toMatch(new RegExp(`^gpt2 .* in ${join(cache, 'gpt2')}\n`));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('help and usage errors', () => {
  it('--help on every level', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['tokenize', 'pretrain', 'generate', 'chat', 'classify', 'finetune classify', 'finetune instruct', 'download', 'convert', 'serve', 'bench']) {
      expect(top.out).toContain(`  ${name} `);
      const r = await runCli([...name.split(' '), '--help']);
      expect(r.code, name).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: llm ${name} `));
      expect(r.out).toContain('-h, --help');
    }
    const group = await runCli(['finetune', '--help']);
    expect(group.out).toMatch(/^Usage: llm finetune <classify\|instruct>/);
  });

  it('unknown commands and options fail in one line with exit code 2', async () => {
    expectOneLineError(await runCli(['tokenise']), /unknown command 'tokenise'\. Did you mean 'tokenize'\?/, 2);
    expectOneLineError(await runCli(['finetune', 'translate']), /unknown finetune command 'translate'/, 2);
    expectOneLineError(await runCli(['generate', '--bogus']), /unknown option '--bogus' \(see: llm generate --help\)/, 2);
    expectOneLineError(await runCli(['--bogus']), /unknown option '--bogus'/, 2);
    expectOneLineError(await runCli(['download', 'gpt5']), /unknown model 'gpt5'\. Did you mean 'gpt2'\?/, 2);
    expectOneLineError(await runCli(['download']), /name a model to download/, 2);
  });

  it('LLM_DEBUG=1 adds the stack', async () => {
    const r = await runCli(['generate', '--model', join(dir, 'none'), 'Hi'], { env: { LLM_DEBUG: '1' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\n\s+at /);
  });
});
