// GPT-2's encoding (tiktoken's gpt2, also called r50k_base), built from the data shipped in src/data.
import { gpt2RankCount, gpt2RanksBase64, gpt2SpecialTokens } from './data/gpt2Ranks';
import { Encoding } from './encoding';
import { base64Decode } from './utf8';

export type EncodingName = 'gpt2' | 'r50k_base';

let gpt2: Encoding | undefined;

/** Token bytes by rank: ranks 0-255 are single bytes, every later rank joins two lower ones. */
function gpt2Tokens(): Uint8Array[] {
  const data = base64Decode(gpt2RanksBase64);
  const tokens: Uint8Array[] = new Array(gpt2RankCount);
  const lengths = new Int32Array(gpt2RankCount);
  for (let r = 0; r < 256; r++) lengths[r] = 1;
  const pair = (r: number, k: number) => data[256 + (r - 256) * 4 + 2 * k] | (data[257 + (r - 256) * 4 + 2 * k] << 8);
  let total = 256;
  for (let r = 256; r < gpt2RankCount; r++) total += lengths[r] = lengths[pair(r, 0)] + lengths[pair(r, 1)];
  const bytes = new Uint8Array(total);
  bytes.set(data.subarray(0, 256));
  for (let r = 0; r < 256; r++) tokens[r] = bytes.subarray(r, r + 1);
  for (let r = 256, at = 256; r < gpt2RankCount; r++) {
    const a = tokens[pair(r, 0)];
    const b = tokens[pair(r, 1)];
    bytes.set(a, at);
    bytes.set(b, at + a.length);
    tokens[r] = bytes.subarray(at, at + a.length + b.length);
    at += a.length + b.length;
  }
  return tokens;
}

/** A shipped encoding by name (tiktoken's names): 'gpt2' (= 'r50k_base'). Built once, then shared. */
export function getEncoding(name: EncodingName): Encoding {
  if (name !== 'gpt2' && name !== 'r50k_base') {
    throw new Error(`getEncoding: unknown encoding ${JSON.stringify(name)}; this package ships 'gpt2' (alias 'r50k_base')`);
  }
  gpt2 ??= new Encoding({ name: 'gpt2', tokens: gpt2Tokens(), specialTokens: gpt2SpecialTokens, pattern: 'gpt2' });
  return gpt2;
}
