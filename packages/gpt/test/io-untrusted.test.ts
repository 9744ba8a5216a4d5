// Model folders as untrusted input: a FIFO or a directory where a weight or config file should be
// is refused at once (not waited on), and safetensors headers with more tensors or JSON values than
// the limits are refused before they are parsed, naming the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_VALUES, MAX_TENSORS } from '../src/index.js';
import { loadPretrained, openSafetensors, readRegularFile } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'llm-untrusted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file with this header JSON and `dataBytes` zero bytes of data. */
function withHeader(name: string, header: string, dataBytes = 0): string {
  const json = Buffer.from(header);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(json.length));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([n, json, Buffer.alloc(dataBytes)]));
  return file;
}

describe('only regular files', () => {
  it('refuses a FIFO in place of model.safetensors or config.json without waiting for a writer', async () => {
    const folder = join(dir, 'fifo-model');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'model.safetensors')]);
    await expect(openSafetensors(join(folder, 'model.safetensors'))).rejects.toThrow(/model\.safetensors: not a regular file \(a FIFO\)/);
    execFileSync('mkfifo', [join(dir, 'config.json')]);
    await expect(readRegularFile(join(dir, 'config.json'))).rejects.toThrow(/config\.json: not a regular file \(a FIFO\)/);
    await expect(loadPretrained(folder)).rejects.toThrow(/not a regular file/);
  });

  it('refuses a directory, and a file over the size limit', async () => {
    mkdirSync(join(dir, 'weights.safetensors'));
    await expect(openSafetensors(join(dir, 'weights.safetensors'))).rejects.toThrow(/weights\.safetensors: not a regular file \(a directory\)/);
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(100));
    await expect(readRegularFile(join(dir, 'big.json'), 10)).rejects.toThrow(/big\.json: 100 bytes, larger than the 10-byte limit/);
  });
});

describe('safetensors header limits', () => {
  it(`refuses more than ${MAX_TENSORS} tensors, naming the file`, async () => {
    const entries = Array.from({ length: MAX_TENSORS + 1 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const file = withHeader('many.safetensors', `{${entries.join(',')}}`);
    await expect(openSafetensors(file)).rejects.toThrow(/many\.safetensors: header lists 65537 tensors, more than the limit of 65536 per file/);
  });

  it('refuses a header of a huge number of small values before parsing it', async () => {
    const file = withHeader('values.safetensors', `{"__metadata__":{},"t":{"dtype":"F32","shape":[${Array(MAX_HEADER_VALUES).fill(0).join(',')}],"data_offsets":[0,0]}}`);
    await expect(openSafetensors(file)).rejects.toThrow(/values\.safetensors: header holds more than/);
  });

  it('counts no structure inside strings: a long metadata string with commas is fine', async () => {
    const file = withHeader('meta.safetensors', JSON.stringify({ __metadata__: { note: ',:[{'.repeat(MAX_HEADER_VALUES) }, w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), 4);
    const f = await openSafetensors(file);
    expect(f.keys()).toEqual(['w']);
    await f.close();
  });
});
