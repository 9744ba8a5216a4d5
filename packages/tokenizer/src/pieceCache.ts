// Pre-token -> token ids, looked up straight from a range of the text: the hot loop of encode neither slices
// substrings nor hashes them through a Map. Keys live as UTF-16 code units in one arena, values are an id
// (>= 0) or a reference (< 0) to a run of ids in a second arena, so entries cost the garbage collector nothing.

export const MISS = 0x7fffffff;
const MIN_BITS = 12;
/** Arena sizes past which the cache starts over (8 MB of keys and ids at most). */
const MAX_ARENA = 1 << 21;

export class PieceCache {
  private bits = 0;
  /** Per slot: key offset in chars (-1 = empty), key length, hash, value. */
  private keyAt = new Int32Array(0);
  private keyLen = new Int32Array(0);
  private hashes = new Int32Array(0);
  private values = new Int32Array(0);
  private size = 0;
  private chars = new Uint16Array(1 << 16);
  private charsLen = 0;
  /** Runs of ids: [count, ...ids]; a value -(offset + 2) points at one. */
  ids = new Int32Array(1 << 14);
  private idsLen = 0;
  /** Hash of the range given to the last get(), reused by set(). */
  private lastHash = 0;

  constructor(private readonly maxEntries: number) {
    this.reset(MIN_BITS);
  }

  private reset(bits: number): void {
    this.bits = bits;
    this.keyAt = new Int32Array(1 << bits).fill(-1);
    this.keyLen = new Int32Array(1 << bits);
    this.hashes = new Int32Array(1 << bits);
    this.values = new Int32Array(1 << bits);
    this.size = 0;
  }

  /** Value cached for text[s, e), or MISS. */
  get(text: string, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.lastHash = h;
    const { keyAt, keyLen, hashes, chars } = this;
    const mask = (1 << this.bits) - 1;
    const len = e - s;
    for (let slot = Math.imul(h, 0x9e3779b1) >>> (32 - this.bits); ; slot = (slot + 1) & mask) {
      const at = keyAt[slot];
      if (at === -1) return MISS;
      if (hashes[slot] !== h || keyLen[slot] !== len) continue;
      let k = 0;
      while (k < len && chars[at + k] === text.charCodeAt(s + k)) k++;
      if (k === len) return this.values[slot];
    }
  }

  /** Caches text[s, e) (the range of the last get(), which missed) as one id. */
  setId(text: string, s: number, e: number, id: number): void {
    if (this.size >= this.maxEntries || this.charsLen + (e - s) > MAX_ARENA) this.clear();
    this.insert(text, s, e, id);
  }

  /** Caches text[s, e) (the range of the last get(), which missed) as ids[0, count). */
  setIds(text: string, s: number, e: number, ids: Int32Array, count: number): number {
    if (this.size >= this.maxEntries || this.charsLen + (e - s) > MAX_ARENA || this.idsLen + count + 1 > MAX_ARENA) this.clear();
    if (this.idsLen + count + 1 > this.ids.length) this.ids = grow(this.ids, this.idsLen, this.idsLen + count + 1);
    const at = this.idsLen;
    this.ids[at] = count;
    for (let k = 0; k < count; k++) this.ids[at + 1 + k] = ids[k];
    this.idsLen += count + 1;
    this.insert(text, s, e, -(at + 2));
    return -(at + 2);
  }

  /** Drops every entry: caching stays bounded on endless streams of new words. */
  clear(): void {
    this.reset(MIN_BITS);
    this.charsLen = 0;
    this.idsLen = 0;
  }

  private insert(text: string, s: number, e: number, value: number): void {
    if ((this.size + 1) * 2 > 1 << this.bits) this.rehash();
    const len = e - s;
    if (this.charsLen + len > this.chars.length) this.chars = grow(this.chars, this.charsLen, this.charsLen + len);
    const at = this.charsLen;
    for (let k = 0; k < len; k++) this.chars[at + k] = text.charCodeAt(s + k);
    this.charsLen += len;
    this.place(at, len, this.lastHash, value);
  }

  private place(at: number, len: number, h: number, value: number): void {
    const mask = (1 << this.bits) - 1;
    let slot = Math.imul(h, 0x9e3779b1) >>> (32 - this.bits);
    while (this.keyAt[slot] !== -1) slot = (slot + 1) & mask;
    this.keyAt[slot] = at;
    this.keyLen[slot] = len;
    this.hashes[slot] = h;
    this.values[slot] = value;
    this.size++;
  }

  private rehash(): void {
    const { keyAt, keyLen, hashes, values } = this;
    this.reset(this.bits + 1);
    for (let i = 0; i < keyAt.length; i++) if (keyAt[i] !== -1) this.place(keyAt[i], keyLen[i], hashes[i], values[i]);
  }
}

function grow<T extends Int32Array | Uint16Array>(a: T, used: number, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, need));
  b.set(a.subarray(0, used));
  return b;
}
