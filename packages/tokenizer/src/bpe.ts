// The byte-pair merge. A pre-token starts as one token per byte; the adjacent pair with the lowest
// priority merges first (the leftmost on ties), until no pair merges, as tiktoken's _byte_pair_merge does.
// Priorities come from a pair table: tiktoken-style encodings fill it on demand with the rank of the
// concatenated bytes; merges-file encodings (Hugging Face) fill it up front from the merges list.

export const NO_MERGE = 0x7fffffff;
/** A tiktoken-style memo holds at most 2^18 pairs (2^19 slots, 8 MB), then starts over. */
const MAX_LAZY_BITS = 19;

export class PairTable {
  private bits = 0;
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private merged = new Int32Array(0);
  private prio = new Int32Array(0);
  private size = 0;
  /** Token the last pairPriority() call would merge into (-1 when none). */
  mergedId = -1;

  constructor(
    /** For tiktoken-style tables: the token of a pair's concatenation, or -1; null when the table is complete. */
    private readonly lookupConcat: ((a: number, b: number) => number) | null,
    expected = 4096,
  ) {
    this.allocate(Math.max(12, Math.ceil(Math.log2(expected * 2))));
  }

  private allocate(bits: number): void {
    this.bits = bits;
    this.left = new Int32Array(1 << bits).fill(-1);
    this.right = new Int32Array(1 << bits);
    this.merged = new Int32Array(1 << bits);
    this.prio = new Int32Array(1 << bits);
    this.size = 0;
  }

  private slot(a: number, b: number): number {
    return Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> (32 - this.bits);
  }

  /** Priority of merging tokens a then b (lower merges first), NO_MERGE if they do not merge; sets mergedId. */
  pairPriority(a: number, b: number): number {
    const mask = (1 << this.bits) - 1;
    const left = this.left;
    let h = this.slot(a, b);
    for (let l = left[h]; l !== -1; l = left[h]) {
      if (l === a && this.right[h] === b) {
        this.mergedId = this.merged[h];
        return this.prio[h];
      }
      h = (h + 1) & mask;
    }
    if (this.lookupConcat === null) {
      this.mergedId = -1;
      return NO_MERGE;
    }
    const id = this.lookupConcat(a, b);
    const p = id < 0 ? NO_MERGE : id;
    this.set(a, b, id, p);
    this.mergedId = id;
    return p;
  }

  /** Records that a then b merge into `id` with priority `p` (keeps the first entry for a pair). */
  set(a: number, b: number, id: number, p: number): void {
    if ((this.size + 1) * 2 > 1 << this.bits) {
      if (this.lookupConcat === null || this.bits < MAX_LAZY_BITS) this.grow();
      else this.allocate(this.bits); // a full memo is dropped rather than grown without bound
    }
    const mask = (1 << this.bits) - 1;
    let h = this.slot(a, b);
    while (this.left[h] !== -1) {
      if (this.left[h] === a && this.right[h] === b) return;
      h = (h + 1) & mask;
    }
    this.left[h] = a;
    this.right[h] = b;
    this.merged[h] = id;
    this.prio[h] = p;
    this.size++;
  }

  private grow(): void {
    const { left, right, merged, prio } = this;
    this.allocate(this.bits + 1);
    for (let i = 0; i < left.length; i++) if (left[i] !== -1) this.set(left[i], right[i], merged[i], prio[i]);
  }
}

/** Scratch space reused across calls; `ids` holds the result of the last merge. */
export class BpeScratch {
  ids = new Int32Array(256);
  prio = new Int32Array(256);
  merged = new Int32Array(256);
  next = new Int32Array(0);
  prev = new Int32Array(0);
  ver = new Int32Array(0);
  heap = new BpeHeap();

  ensure(n: number): void {
    if (this.ids.length < n) {
      const cap = Math.max(n, this.ids.length * 2);
      this.ids = new Int32Array(cap);
      this.prio = new Int32Array(cap);
      this.merged = new Int32Array(cap);
    }
  }
}

/** Merges the tokens of bytes[0, n) (given byteToId) into scratch.ids; returns how many tokens remain. */
export function bytePairMerge(bytes: Uint8Array, n: number, byteToId: Int32Array, pairs: PairTable, s: BpeScratch): number {
  s.ensure(n);
  const ids = s.ids;
  for (let i = 0; i < n; i++) ids[i] = byteToId[bytes[i]];
  return n > 64 ? mergeLong(n, pairs, s) : mergeShort(n, pairs, s);
}

/** O(n²) but allocation-free: best for the short pieces that make up almost all text. */
function mergeShort(n: number, pairs: PairTable, s: BpeScratch): number {
  const { ids, prio, merged } = s;
  for (let i = 0; i + 1 < n; i++) {
    prio[i] = pairs.pairPriority(ids[i], ids[i + 1]);
    merged[i] = pairs.mergedId;
  }
  let m = n;
  while (m > 1) {
    let best = NO_MERGE;
    let at = -1;
    for (let i = 0; i + 1 < m; i++) {
      if (prio[i] < best) {
        best = prio[i];
        at = i;
      }
    }
    if (at < 0) break;
    ids[at] = merged[at];
    for (let i = at + 1; i + 1 < m; i++) ids[i] = ids[i + 1];
    for (let i = at; i + 2 < m; i++) {
      prio[i] = prio[i + 1];
      merged[i] = merged[i + 1];
    }
    m--;
    if (at + 1 < m) {
      prio[at] = pairs.pairPriority(ids[at], ids[at + 1]);
      merged[at] = pairs.mergedId;
    }
    if (at > 0) {
      prio[at - 1] = pairs.pairPriority(ids[at - 1], ids[at]);
      merged[at - 1] = pairs.mergedId;
    }
  }
  return m;
}

/** O(n log n) with a linked list and a heap of candidate pairs (stale entries are skipped by version). */
function mergeLong(n: number, pairs: PairTable, s: BpeScratch): number {
  if (s.next.length < n) {
    s.next = new Int32Array(n);
    s.prev = new Int32Array(n);
    s.ver = new Int32Array(n);
  }
  const { ids, merged, next, prev, ver, heap } = s;
  heap.clear();
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    ver[i] = 0;
  }
  for (let i = 0; i + 1 < n; i++) {
    const p = pairs.pairPriority(ids[i], ids[i + 1]);
    merged[i] = pairs.mergedId;
    if (p !== NO_MERGE) heap.push(p, i, 0);
  }
  while (heap.length > 0) {
    const pos = heap.topPos();
    const v = heap.topVer();
    heap.pop();
    if (ver[pos] !== v) continue; // the pair starting at pos changed (or pos was merged away) since the push
    const gone = next[pos];
    ids[pos] = merged[pos];
    next[pos] = next[gone];
    if (next[gone] < n) prev[next[gone]] = pos;
    ver[gone] = -1;
    ver[pos]++;
    if (next[pos] < n) {
      const p = pairs.pairPriority(ids[pos], ids[next[pos]]);
      merged[pos] = pairs.mergedId;
      if (p !== NO_MERGE) heap.push(p, pos, ver[pos]);
    }
    const before = prev[pos];
    if (before >= 0) {
      ver[before]++;
      const p = pairs.pairPriority(ids[before], ids[pos]);
      merged[before] = pairs.mergedId;
      if (p !== NO_MERGE) heap.push(p, before, ver[before]);
    }
  }
  let m = 0;
  for (let i = 0; i < n; i = next[i]) ids[m++] = ids[i];
  return m;
}

/** Min-heap of (priority, position, version), ordered by priority then position. */
class BpeHeap {
  private p = new Int32Array(64);
  private pos = new Int32Array(64);
  private ver = new Int32Array(64);
  length = 0;

  clear(): void {
    this.length = 0;
  }
  topPos(): number {
    return this.pos[0];
  }
  topVer(): number {
    return this.ver[0];
  }
  private less(i: number, j: number): boolean {
    return this.p[i] < this.p[j] || (this.p[i] === this.p[j] && this.pos[i] < this.pos[j]);
  }
  private swap(i: number, j: number): void {
    const { p, pos, ver } = this;
    [p[i], p[j]] = [p[j], p[i]];
    [pos[i], pos[j]] = [pos[j], pos[i]];
    [ver[i], ver[j]] = [ver[j], ver[i]];
  }
  push(prio: number, position: number, version: number): void {
    if (this.length === this.p.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.p = grow(this.p);
      this.pos = grow(this.pos);
      this.ver = grow(this.ver);
    }
    let i = this.length++;
    this.p[i] = prio;
    this.pos[i] = position;
    this.ver[i] = version;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }
  pop(): void {
    const last = --this.length;
    if (last === 0) return;
    this.swap(0, last);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
