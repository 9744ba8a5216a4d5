// One encoding's encode and decode speed against its peers on the same text, as bench-results/<name>.json files.
// MB/s counts megabytes (10^6) of UTF-8 text.
import { timeIt, writeBenchResult } from '../../../bench/report';

export interface Contender {
  key: string;
  encode: (s: string) => ArrayLike<number>;
  /** Returns the text; ids come in the contender's own form (prepared outside the timing). */
  decode: (ids: ArrayLike<number>) => string;
  /** The contender's form of the ids (tiktoken takes a Uint32Array). */
  idsFor?: (ids: number[]) => ArrayLike<number>;
}

export async function measureEncoding(opts: {
  encoding: string;
  /** Suffix of the result names: tokenizer-encode<suffix>, tokenizer-decode<suffix>. */
  suffix: string;
  text: string;
  textName: string;
  ourLoadMs: number;
  contenders: Contender[];
}): Promise<void> {
  const { text, contenders } = opts;
  const megabytes = new TextEncoder().encode(text).length / 1e6;
  // The first call of each, with every cache empty: the speed on text a tokenizer has not seen.
  const coldMBps: Record<string, number> = {};
  const ids: Record<string, ArrayLike<number>> = {};
  for (const c of contenders) {
    const t0 = performance.now();
    ids[c.key] = c.encode(text);
    coldMBps[c.key] = megabytes / ((performance.now() - t0) / 1000);
  }
  const reference = Array.from(ids[contenders[0].key]);
  const agrees: Record<string, boolean> = {};
  for (const c of contenders.slice(1)) agrees[c.key] = ids[c.key].length === reference.length && Array.from(ids[c.key]).every((id, i) => id === reference[i]);

  const encodeMBps: Record<string, number> = {};
  const decodeMBps: Record<string, number> = {};
  for (const c of contenders) {
    encodeMBps[c.key] = megabytes / ((await timeIt(() => c.encode(text), { warmup: 0, minRuns: 3, minMs: 1000 })) / 1000);
    const theirs = c.idsFor ? c.idsFor(reference) : reference.slice();
    if (c.decode(theirs) !== text) throw new Error(`${c.key} does not decode the ${opts.encoding} text back`);
    decodeMBps[c.key] = megabytes / ((await timeIt(() => c.decode(theirs), { minRuns: 5, minMs: 1000 })) / 1000);
  }
  const config = {
    text: opts.textName,
    megabytes: Number(megabytes.toFixed(3)),
    tokens: reference.length,
    encoding: opts.encoding,
    node: process.version,
    ourLoadMs: Number(opts.ourLoadMs.toFixed(1)),
    peersAgreeWithOurIds: agrees,
  };
  const [, ...peerKeys] = contenders.map((c) => c.key);
  const pick = (m: Record<string, number>) => Object.fromEntries(peerKeys.map((k) => [k, m[k]]));
  writeBenchResult({
    name: `tokenizer-encode${opts.suffix}`,
    unit: 'MB/s',
    higherIsBetter: true,
    ours: encodeMBps[contenders[0].key],
    peers: pick(encodeMBps),
    config: { ...config, method: 'median of repeated encodes after a first (cold) one', coldMBps },
  });
  writeBenchResult({
    name: `tokenizer-decode${opts.suffix}`,
    unit: 'MB/s',
    higherIsBetter: true,
    ours: decodeMBps[contenders[0].key],
    peers: pick(decodeMBps),
    config: { ...config, method: 'median of repeated decodes of the ids of the text to a string' },
  });
}
