// Hugging Face files written from tiktoken ranks, for tests: vocab (bytes_to_unicode strings -> rank) and merges,
// a rank's merge being the last step of tiktoken's BPE on its bytes using only lower ranks.

/** GPT-2's bytes_to_unicode, written out as in OpenAI's encoder.py. */
export function referenceBytesToUnicode(): string[] {
  const bs: number[] = [];
  for (const [lo, hi] of [[0x21, 0x7e], [0xa1, 0xac], [0xae, 0xff]]) for (let b = lo; b <= hi; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) bs.push(b), cs.push(256 + n++);
  const out: string[] = [];
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i])));
  return out;
}

/** vocab and merges (as "left right" strings) of ranks given as Latin-1 strings (one char a byte). */
export function vocabAndMerges(ranks: string[]): { vocab: Record<string, number>; merges: string[] } {
  const rankOf = new Map(ranks.map((s, r) => [s, r]));
  const b2u = referenceBytesToUnicode();
  const show = (s: string) => Array.from(s, (c) => b2u[c.charCodeAt(0)]).join('');
  const vocab: Record<string, number> = {};
  ranks.forEach((s, r) => (vocab[show(s)] = r));
  const merges: string[] = [];
  for (let r = 0; r < ranks.length; r++) {
    if (ranks[r].length < 2) continue;
    let parts = Array.from(ranks[r]);
    while (parts.length > 2) {
      let at = -1;
      let best = r;
      for (let i = 0; i + 1 < parts.length; i++) {
        const x = rankOf.get(parts[i] + parts[i + 1]);
        if (x !== undefined && x < best) [at, best] = [i, x];
      }
      parts = [...parts.slice(0, at), parts[at] + parts[at + 1], ...parts.slice(at + 2)];
    }
    merges.push(`${show(parts[0])} ${show(parts[1])}`);
  }
  return { vocab, merges };
}

/** Ranks of a .tiktoken file's text as Latin-1 strings. */
export function ranksOfTiktokenFile(text: string): string[] {
  const ranks: string[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [b64, rank] = line.split(' ');
    ranks[Number(rank)] = Buffer.from(b64, 'base64').toString('latin1');
  }
  return ranks;
}
