// Special tokens in text, with tiktoken's rules: by default every special token is disallowed, so text that
// contains one throws; allowed ones become their ids; with disallowedSpecial: [] the rest is ordinary text.

export type SpecialSet = 'all' | readonly string[] | ReadonlySet<string>;

export interface EncodeOptions {
  /** Special tokens to encode as their ids ('all' for every one). Default: none. */
  allowedSpecial?: SpecialSet;
  /** Special tokens whose text is an error ('all' = every special token not allowed). Default: 'all'. */
  disallowedSpecial?: SpecialSet;
}

export function resolveSpecials(
  name: string,
  specialTokens: ReadonlyMap<string, number>,
  options: EncodeOptions,
): { allowed: string[]; disallowed: string[] } {
  const pick = (set: SpecialSet | undefined, field: string): string[] => {
    if (set === undefined) return [];
    if (set === 'all') return [...specialTokens.keys()];
    if (typeof set === 'string' || typeof (set as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`encode: ${field} must be 'all' or a list of special tokens, got ${JSON.stringify(set)}`);
    }
    const list = [...set];
    for (const s of list) {
      if (!specialTokens.has(s)) {
        const known = [...specialTokens.keys()].join(', ') || 'none';
        throw new Error(`encode: ${field} names ${JSON.stringify(s)}, which is not a special token of ${name} (it has: ${known})`);
      }
    }
    return list;
  };
  const allowed = pick(options.allowedSpecial, 'allowedSpecial');
  const disallowed =
    options.disallowedSpecial === undefined || options.disallowedSpecial === 'all'
      ? [...specialTokens.keys()].filter((s) => !allowed.includes(s))
      : pick(options.disallowedSpecial, 'disallowedSpecial');
  return { allowed, disallowed };
}

export function checkDisallowed(text: string, disallowed: readonly string[]): void {
  for (const s of disallowed) {
    const at = text.indexOf(s);
    if (at >= 0) {
      throw new Error(
        `encode: the text contains the special token ${JSON.stringify(s)} at index ${at}, which is disallowed. ` +
          `Pass { allowedSpecial: [${JSON.stringify(s)}] } (or 'all') to encode it as a special token, ` +
          `or { disallowedSpecial: [] } to encode it as ordinary text.`,
      );
    }
  }
}

/** Finds allowed special tokens left to right: the earliest at or after `from` (the longest on a tie), or null. */
export function specialFinder(text: string, specials: readonly string[]): (from: number) => { at: number; token: string } | null {
  const nextAt = specials.map((s) => text.indexOf(s));
  return (from) => {
    let best = -1;
    for (let j = 0; j < specials.length; j++) {
      if (nextAt[j] >= 0 && nextAt[j] < from) nextAt[j] = text.indexOf(specials[j], from);
      const at = nextAt[j];
      if (at < 0) continue;
      if (best < 0 || at < nextAt[best] || (at === nextAt[best] && specials[j].length > specials[best].length)) best = j;
    }
    return best < 0 ? null : { at: nextAt[best], token: specials[best] };
  };
}
