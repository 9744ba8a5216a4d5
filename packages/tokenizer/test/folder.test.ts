// loadTokenizerFolder on model folders written here: Hugging Face files (tokenizer.json, tokenizer_config.json,
// chat_template.jinja, generation_config.json), our own saved format, a tiktoken tokenizer.model, and the
// untrusted cases: null / {} files, a FIFO in place of tokenizer.json, a malformed config.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get_encoding } from 'tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEncoding, saveEncoding } from '../src/index';
import { loadTokenizerFolder } from '../src/node';
import { vocabAndMerges } from './hfFromRanks';
import { rankFile } from './tiktokenEncodings';

const gpt2 = get_encoding('gpt2');
let root = '';
let tokenizerJson = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'llm-tokenizer-folder-'));
  const { vocab, merges } = vocabAndMerges(Array.from({ length: 50256 }, (_, r) => Buffer.from(gpt2.decode_single_token_bytes(r)).toString('latin1')));
  tokenizerJson = JSON.stringify({
    added_tokens: [
      { id: 50256, content: '<|endoftext|>', special: true },
      { id: 50257, content: '<|im_start|>', special: true },
      { id: 50258, content: '<|im_end|>', special: true },
    ],
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }] },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab, merges },
  });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  gpt2.free();
});

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe('loadTokenizerFolder', () => {
  it('reads a Hugging Face folder: tokenizer.json, the chat template, the stop ids', async () => {
    const dir = folder('hf', {
      'tokenizer.json': tokenizerJson,
      'tokenizer_config.json': JSON.stringify({ chat_template: '{{ messages[0].content }}', eos_token: '<|im_end|>', bos_token: null, add_bos_token: false }),
      'generation_config.json': JSON.stringify({ eos_token_id: [50258, 50256] }),
    });
    const tok = (await loadTokenizerFolder(dir))!;
    expect(tok.format).toBe('huggingface');
    expect(tok.file).toBe(join(dir, 'tokenizer.json'));
    expect(tok.chatTemplate).toBe('{{ messages[0].content }}');
    expect(tok.eosToken).toBe('<|im_end|>');
    expect(tok.stopIds).toEqual([50258, 50256]);
    expect(tok.prefixIds).toEqual([]); // add_bos_token: false
    expect(tok.encoding.encode('hello world<|im_end|>', { allowedSpecial: 'all' })).toEqual([31373, 995, 50258]);
  });

  it('prefers chat_template.jinja, keeps the post-processor BOS, and falls back to <|endoftext|> as the stop id', async () => {
    const dir = folder('jinja', { 'tokenizer.json': tokenizerJson, 'chat_template.jinja': '{{ bos_token }}x', 'tokenizer_config.json': '{"chat_template": "old"}' });
    const tok = (await loadTokenizerFolder(dir))!;
    expect(tok.chatTemplate).toBe('{{ bos_token }}x');
    expect(tok.prefixIds).toEqual([50256]);
    expect(tok.stopIds).toEqual([50256]);
  });

  it("reads this package's own tokenizer.json and a tiktoken tokenizer.model under original/", async () => {
    const own = (await loadTokenizerFolder(folder('own', { 'tokenizer.json': saveEncoding(getEncoding('gpt2')) })))!;
    expect(own.format).toBe('llm-tokenizer');
    expect(own.encoding.encode('hello world')).toEqual([31373, 995]);
    const ranks = rankFile('o200k_base').split('\n').slice(0, 128000).join('\n');
    const llama = (await loadTokenizerFolder(folder('llama', { 'original/tokenizer.model': ranks })))!;
    expect(llama.format).toBe('tiktoken');
    expect(llama.encoding.nVocab).toBe(128256);
    expect(llama.prefixIds).toEqual([128000]);
  });

  it('gives undefined for a folder without tokenizer files, and errors naming the file for bad ones', async () => {
    expect(await loadTokenizerFolder(folder('empty', {}))).toBeUndefined();
    expect(await loadTokenizerFolder(join(root, 'does-not-exist'))).toBeUndefined();
    const nullDir = folder('null', { 'tokenizer.json': 'null' });
    await expect(loadTokenizerFolder(nullDir)).rejects.toThrow(`${join(nullDir, 'tokenizer.json')}: expected a JSON object, got null`);
    const emptyDir = folder('braces', { 'tokenizer.json': '{}' });
    await expect(loadTokenizerFolder(emptyDir)).rejects.toThrow(`${join(emptyDir, 'tokenizer.json')}: is an empty object, not a tokenizer`);
    const badConfig = folder('bad-config', { 'tokenizer.json': tokenizerJson, 'tokenizer_config.json': '{"eos_token": 7}' });
    await expect(loadTokenizerFolder(badConfig)).rejects.toThrow(`${join(badConfig, 'tokenizer_config.json')}: eos_token must be a string or {"content": "..."}, got 7`);
    const unknownEos = folder('unknown-eos', { 'tokenizer.json': tokenizerJson, 'tokenizer_config.json': '{"eos_token": "<|nope|> x"}' });
    await expect(loadTokenizerFolder(unknownEos)).rejects.toThrow(/tokenizer_config.json: eos_token "<\|nope\|> x" is not a token of/);
    const badGen = folder('bad-gen', { 'tokenizer.json': tokenizerJson, 'generation_config.json': '{"eos_token_id": [1, 99999999]}' });
    await expect(loadTokenizerFolder(badGen)).rejects.toThrow(/generation_config.json: eos_token_id\[1\] must be a token id below 50259, got 99999999/);
    const sentencePiece = folder('sp', { 'tokenizer.model': '\n\u0005<unk>\u0015\u0000' });
    await expect(loadTokenizerFolder(sentencePiece)).rejects.toThrow(/tokenizer.model: not a tiktoken rank file/);
  });

  it('refuses a FIFO in place of tokenizer.json instead of hanging on it', async () => {
    const dir = folder('fifo', {});
    execFileSync('mkfifo', [join(dir, 'tokenizer.json')]);
    await expect(loadTokenizerFolder(dir)).rejects.toThrow(`${join(dir, 'tokenizer.json')}: not a regular file (a FIFO); refusing to read it`);
  });
});
