// Offline scores of generated answers against the reference outputs: exact match and ROUGE-L
// (the F1 of the longest common subsequence of tokens, Lin 2004). Tokens are as rouge_score's
// default tokenizer makes them: lower-cased runs of [a-z0-9], no stemming.

export function rougeTokens(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
}

/** Length of the longest common subsequence, by dynamic programming over two rows. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** ROUGE-L of a candidate against a reference; all zero when either has no tokens. */
export function rougeL(candidate: string, reference: string): RougeScore {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  if (c.length === 0 || r.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const lcs = lcsLength(c, r);
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Lower-cased, whitespace collapsed, a final period dropped: "The answer." and "the  answer" match. */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().replace(/\.$/, '').trim();
}

export function exactMatch(candidate: string, reference: string): boolean {
  return normalizeAnswer(candidate) === normalizeAnswer(reference);
}

export interface OfflineScores {
  count: number;
  /** Fraction of answers that match their reference after normalizeAnswer. */
  exactMatch: number;
  /** Mean ROUGE-L F1. */
  rougeL: number;
  perEntry: { exactMatch: boolean; rougeL: number }[];
}

export function scoreResponses(entries: readonly { output: string; model_response: string }[]): OfflineScores {
  const perEntry = entries.map((e) => ({ exactMatch: exactMatch(e.model_response, e.output), rougeL: rougeL(e.model_response, e.output).f1 }));
  const n = perEntry.length;
  return {
    count: n,
    exactMatch: n ? perEntry.filter((p) => p.exactMatch).length / n : NaN,
    rougeL: n ? perEntry.reduce((s, p) => s + p.rougeL, 0) / n : NaN,
    perEntry,
  };
}
