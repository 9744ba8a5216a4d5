// Safetensors reading and writing. The independent references: a file written by the Python
// fixture script (scripts/fixtures/fixture_io.py), bytes laid out by hand in this file, and
// float16/bfloat16 bit patterns whose values are worked out by hand.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfToFloat, parseSafetensors, SafetensorsError, serializeSafetensors, type WritableTensor } from '../src/index.js';
import { openSafetensors, writeSafetensors } from '../src/node.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-gpt2/model.safetensors', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-io-st-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A safetensors file laid out by hand: u64 LE header length, the header text, then `data`. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const u16 = (...v: number[]) => new Uint8Array(new Uint16Array(v).buffer);
const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('reading a file written by Python', () => {
  it('reads the tiny GPT-2 checkpoint: keys, metadata, shapes and the causal-mask buffer', async () => {
    const file = await openSafetensors(FIXTURE);
    try {
      expect(file.metadata).toEqual({ format: 'pt' });
      expect(file.keys()).toHaveLength(30);
      expect(file.info('wte.weight')).toMatchObject({ dtype: 'F32', shape: [96, 32], byteLength: 96 * 32 * 4 });
      // h.0.attn.bias is torch.tril(torch.ones(16, 16)).view(1, 1, 16, 16)
      const mask = await file.read('h.0.attn.bias');
      expect(mask.shape).toEqual([1, 1, 16, 16]);
      const expected = Array.from({ length: 256 }, (_, k) => (k % 16 <= Math.floor(k / 16) ? 1 : 0));
      expect(Array.from(mask.data)).toEqual(expected);
      expect(mask.data.byteOffset % 4).toBe(0);
    } finally {
      await file.close();
    }
  });

  it('writes the same tensors back byte for byte (sorted keys, space padding, like the Python writer)', async () => {
    const original = new Uint8Array(await readFile(FIXTURE));
    const tensors = parseSafetensors(original).readAll();
    expect(Buffer.compare(serializeSafetensors(tensors, { format: 'pt' }), original)).toBe(0);
    const path = join(dir, 'copy.safetensors');
    await writeSafetensors(path, tensors, { format: 'pt' });
    expect(Buffer.compare(await readFile(path), original)).toBe(0);
  });
});

describe('dtype conversion', () => {
  it('widens float16 to float32 (normals, subnormals, zeros, infinities, NaN)', () => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x3800, 0x4248, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const want = [1, -2, 0.333251953125, 0.5, 3.140625, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -0, Infinity, -Infinity, NaN];
    const bytes = handMade({ h: { dtype: 'F16', shape: [bits.length], data_offsets: [0, 2 * bits.length] } }, u16(...bits));
    const t = parseSafetensors(bytes).read('h');
    expect(t.dtype).toBe('F32');
    expect(t.sourceDtype).toBe('F16');
    expect(t.data).toBeInstanceOf(Float32Array);
    want.forEach((w, i) => expect(Object.is(t.data[i], w) || (Number.isNaN(w) && Number.isNaN(t.data[i]))).toBe(true));
    expect(bits.map(halfToFloat)).toEqual(want);
  });

  it('widens bfloat16 to float32', () => {
    const bits = [0x3f80, 0xc000, 0x4049, 0x3e80, 0x477f, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0];
    const want = [1, -2, 3.140625, 0.25, 65280, 2 ** -133, -0, Infinity, -Infinity, NaN];
    const bytes = handMade({ b: { dtype: 'BF16', shape: [2, 5], data_offsets: [0, 20] } }, u16(...bits));
    const t = parseSafetensors(bytes).read('b');
    expect(t).toMatchObject({ dtype: 'F32', sourceDtype: 'BF16', shape: [2, 5] });
    want.forEach((w, i) => expect(Object.is(t.data[i], w) || (Number.isNaN(w) && Number.isNaN(t.data[i]))).toBe(true));
  });

  it('narrows I64 to I32 when every value fits, and names the value that does not', () => {
    const ok = new BigInt64Array([0n, -1n, 2147483647n, -2147483648n, 42n]);
    const bytes = handMade({ ids: { dtype: 'I64', shape: [5], data_offsets: [0, 40] } }, new Uint8Array(ok.buffer));
    const t = parseSafetensors(bytes).read('ids');
    expect(t).toMatchObject({ dtype: 'I32', sourceDtype: 'I64' });
    expect(Array.from(t.data)).toEqual([0, -1, 2147483647, -2147483648, 42]);
    for (const bad of [2147483648n, -2147483649n, 1n << 40n]) {
      const big = new BigInt64Array([7n, bad]);
      const file = handMade({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(big.buffer));
      expect(() => parseSafetensors(file, 'ids.safetensors').read('ids')).toThrow(
        `ids.safetensors: tensor "ids": I64 value ${bad} at index 1 does not fit in int32`,
      );
    }
  });

  it('reads I32 and U8 as they are', () => {
    const data = new Uint8Array([...new Uint8Array(new Int32Array([-5, 1 << 30]).buffer), 0, 255, 7]);
    const bytes = handMade(
      { i: { dtype: 'I32', shape: [2], data_offsets: [0, 8] }, u: { dtype: 'U8', shape: [3], data_offsets: [8, 11] } },
      data,
    );
    const st = parseSafetensors(bytes);
    expect(Array.from(st.read('i').data)).toEqual([-5, 1 << 30]);
    expect(st.read('u')).toMatchObject({ dtype: 'U8', shape: [3] });
    expect(Array.from(st.read('u').data)).toEqual([0, 255, 7]);
  });

  it('returns aligned Float32Arrays: a view when the bytes are aligned, a copy when not', () => {
    const json = '{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}';
    const file = handMade(json.padEnd(Math.ceil(json.length / 8) * 8, ' '), f32(1.5, -2, 3.25));
    const aligned = parseSafetensors(file).read('x');
    expect(Array.from(aligned.data)).toEqual([1.5, -2, 3.25]);
    expect(aligned.data.buffer).toBe(file.buffer);
    // The same file from byte 1 of a buffer: x's data is no longer 4-aligned.
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const odd = parseSafetensors(shifted.subarray(1)).read('x');
    expect(Array.from(odd.data)).toEqual([1.5, -2, 3.25]);
    expect(odd.data.byteOffset % 4).toBe(0);
    expect(odd.data.buffer).not.toBe(shifted.buffer);
  });
});

describe('writing', () => {
  const tensors = (): Record<string, WritableTensor> => ({
    'b.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
    'a.ids': { dtype: 'I32', shape: [4], data: new Int32Array([-1, 0, 1, 2 ** 31 - 1]) },
    scalar: { dtype: 'F32', shape: [], data: new Float32Array([0.25]) },
    empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
    mask: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 0, 1]) },
    '10': { dtype: 'F32', shape: [1], data: new Float32Array([10]) },
    '2': { dtype: 'F32', shape: [1], data: new Float32Array([2]) },
  });

  it('round-trips through a file, with metadata', async () => {
    const path = join(dir, 'round.safetensors');
    await writeSafetensors(path, tensors(), { format: 'pt', note: 'héllo' });
    const file = await openSafetensors(path);
    try {
      expect(file.metadata).toEqual({ format: 'pt', note: 'héllo' });
      expect(file.keys()).toEqual(['10', '2', 'a.ids', 'b.weight', 'empty', 'mask', 'scalar']);
      for (const [key, t] of Object.entries(tensors())) {
        const got = await file.read(key);
        expect(got.dtype).toBe(t.dtype);
        expect(got.shape).toEqual(t.shape);
        expect(Array.from(got.data)).toEqual(Array.from(t.data));
      }
    } finally {
      await file.close();
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('lays the file out as the format says: u64 length, header padded with spaces to 8, data in key order', () => {
    const bytes = serializeSafetensors({
      b: { dtype: 'F32', shape: [1], data: new Float32Array([2]) },
      a: { dtype: 'F32', shape: [1], data: new Float32Array([1]) },
    });
    const json = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const padded = json + ' '.repeat(-json.length & 7);
    expect(bytes).toEqual(handMade(padded, f32(1, 2)));
  });

  it('gives the same bytes whatever the insertion order', () => {
    const forward = tensors();
    const backward = Object.fromEntries(Object.entries(forward).reverse());
    expect(serializeSafetensors(backward)).toEqual(serializeSafetensors(forward));
  });

  it('rejects bad tensors and leaves the existing file alone', async () => {
    const path = join(dir, 'keep.safetensors');
    await writeSafetensors(path, { x: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });
    const before = await readFile(path);
    const bad = { y: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } } as Record<string, WritableTensor>;
    await expect(writeSafetensors(path, bad)).rejects.toThrow(`${path}: tensor "y": shape [2,2] has 4 elements but data has 3`);
    expect(await readFile(path)).toEqual(before);
    const wrongType = { z: { dtype: 'F32', shape: [1], data: new Int32Array(1) } } as unknown as Record<string, WritableTensor>;
    expect(() => serializeSafetensors(wrongType)).toThrow('tensor "z": dtype F32 needs a Float32Array, got Int32Array');
    const f16 = { h: { dtype: 'F16', shape: [1], data: new Float32Array(1) } } as unknown as Record<string, WritableTensor>;
    expect(() => serializeSafetensors(f16)).toThrow('tensor "h": cannot write dtype "F16"');
    const meta = { format: 3 } as unknown as Record<string, string>;
    expect(() => serializeSafetensors({}, meta)).toThrow('metadata "format" must be a string');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('malformed files', () => {
  const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, v: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  const data12 = f32(1, 2, 3);

  const cases: [string, Uint8Array, string][] = [
    ['shorter than 8 bytes', new Uint8Array(5), 'file is 5 bytes, too short to be a safetensors file'],
    ['a header length beyond the file', handMade(good, data12, 1000n), 'header length 1000 goes beyond the end of the file'],
    ['a header length of 2^64 - 1', handMade(good, data12, 2n ** 64n - 1n), 'header length 18446744073709551615 goes beyond'],
    ['a header that is not JSON', handMade('{"w": {', new Uint8Array(0)), 'header is not valid JSON'],
    ['a header that is a JSON array', handMade([1, 2]), 'header must be a JSON object'],
    ['metadata with a number', handMade({ __metadata__: { epoch: 3 } }), '"__metadata__.epoch" must be a string, got 3'],
    ['an unknown dtype', handMade({ w: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, f32(1)), 'tensor "w": unknown dtype "F33"'],
    ['an entry that is not an object', handMade({ w: 5 }), 'tensor "w": entry must be an object'],
    ['a negative dimension', handMade({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), 'tensor "w": shape must be an array of non-negative integers, got [-1]'],
    ['a fractional dimension', handMade({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), 'tensor "w": shape must be'],
    ['three offsets', handMade({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, f32(1, 2)), 'tensor "w": data_offsets must be [begin, end]'],
    ['offsets that end before they begin', handMade({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), 'tensor "w": data_offsets [4, 0] end before they begin'],
    ['offsets that do not match dtype × shape', handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)), 'tensor "w": data_offsets [0, 4] span 4 bytes, but F32 × [2] needs 8'],
    ['offsets past the data', handMade({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(1, 2)), 'tensor "w": data_offsets [0, 16] go past the end of the data section (8 bytes); the file is truncated'],
    ['overlapping tensors', handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data12), 'tensor "b": data overlaps the data of tensor "a"'],
    ['a truncated file', handMade(good, data12).subarray(0, handMade(good, data12).length - 2), 'tensor "v": data_offsets [8, 12] go past the end of the data section (10 bytes)'],
  ];

  it.each(cases)('rejects %s (in memory and on disk, naming the file)', async (label, bytes, message) => {
    const memErr = (() => {
      try {
        parseSafetensors(bytes, 'mem.safetensors');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(memErr).toBeInstanceOf(SafetensorsError);
    expect(memErr?.message.startsWith('mem.safetensors: ')).toBe(true);
    expect(memErr?.message).toContain(message);
    const path = await fileOf(`bad-${label.replace(/\W+/g, '-')}.safetensors`, bytes);
    const err = await openSafetensors(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toContain(`${path}: `);
    expect((err as Error).message).toContain(message);
  });

  it('rejects a header that is not valid UTF-8', () => {
    const text = new TextEncoder().encode('{"a":1}');
    const bytes = new Uint8Array(8 + text.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    bytes[10] = 0xff; // inside the key
    expect(() => parseSafetensors(bytes, 'x.safetensors')).toThrow('x.safetensors: header is not valid UTF-8');
  });

  it('names the keys the file has when asked for one it does not', () => {
    const st = parseSafetensors(handMade(good, data12), 'g.safetensors');
    expect(() => st.read('nope')).toThrow('g.safetensors: tensor "nope": no such tensor; the file has "w", "v"');
    expect(st.has('w')).toBe(true);
    expect(st.keys()).toEqual(['w', 'v']);
  });

  it('opens a file with an unsupported dtype, and refuses only that tensor', async () => {
    const bytes = handMade(
      { d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] }, f: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
      new Uint8Array([...new Uint8Array(new Float64Array([1]).buffer), ...f32(2)]),
    );
    const path = await fileOf('f64.safetensors', bytes);
    const file = await openSafetensors(path);
    try {
      expect(Array.from((await file.read('f')).data)).toEqual([2]);
      await expect(file.read('d')).rejects.toThrow(`${path}: tensor "d": dtype F64 is not supported (supported: F32, F16, BF16, I32, I64, U8)`);
    } finally {
      await file.close();
    }
  });

  it('reports a file that shrank after it was opened, and reads after close', async () => {
    const path = await fileOf('shrinks.safetensors', handMade(good, data12));
    const file = await openSafetensors(path);
    await writeFile(path, handMade(good, data12).subarray(0, 100)); // the header is intact, the data is gone
    await expect(file.read('v')).rejects.toThrow(`${path}: tensor "v": file ended after`);
    await file.close();
    await file.close();
    await expect(file.read('w')).rejects.toThrow(`${path}: tensor "w": read after close()`);
  });

  it('names a file that does not exist', async () => {
    const path = join(dir, 'missing.safetensors');
    await expect(openSafetensors(path)).rejects.toThrow(`${path}: cannot open: ENOENT`);
  });
});
