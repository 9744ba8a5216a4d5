// "Did you mean ...?" for mistyped commands, options and choices, the way git and cargo do it:
// the known name closest in edit distance, when it is close enough to be the one meant.

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters ("tokneize") each cost 1.
 */
export function editDistance(a: string, b: string): number {
  // rows i-2, i-1 and i of the (a.length+1) x (b.length+1) table
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
    }
    [before, prev] = [prev, row];
  }
  return prev[b.length];
}

/**
 * The candidate `name` was most likely meant to be, or undefined when none is close: the only
 * one it is a prefix of ("gen" -> "generate"), else the nearest within about a third of its length.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  if (!wanted) return undefined;
  const exact = candidates.find((c) => c.toLowerCase() === wanted);
  if (exact) return exact;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(wanted));
  if (prefixed.length === 1 && wanted.length >= 2) return prefixed[0];
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(wanted, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * `message`, then ". Did you mean '...'?" when a candidate is close to `name` (shown with `prefix`,
 * as '--temperature'), else `otherwise` (where to find the list).
 */
export function suggesting(message: string, name: string, candidates: readonly string[], opts: { prefix?: string; otherwise?: string } = {}): string {
  const match = closest(name, candidates);
  return match === undefined ? `${message}${opts.otherwise ?? ''}` : `${message}. Did you mean '${opts.prefix ?? ''}${match}'?`;
}
