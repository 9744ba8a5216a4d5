// Token bytes -> id, as an open-addressing hash table over the flat byte array of all tokens. Lookups take a
// byte range or the concatenation of two tokens and allocate nothing (no strings, no Map).

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class TokenTable {
  private readonly bits: number;
  private readonly slots: Int32Array;
  /** FNV-1a state after each token's bytes, so the hash of a + b continues from a's over b's bytes. */
  private readonly hashes: Int32Array;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: Int32Array,
    capacity: number,
  ) {
    this.bits = Math.max(10, Math.ceil(Math.log2(capacity * 2 + 1)));
    this.slots = new Int32Array(1 << this.bits).fill(-1);
    this.hashes = new Int32Array(start.length - 1);
  }

  private slotOf(h: number): number {
    return Math.imul(h, 0x9e3779b1) >>> (32 - this.bits);
  }

  /** Adds token `id` (its bytes are already in the byte array); returns the id that has these bytes, if any. */
  add(id: number): number {
    const { bytes, start } = this;
    let h = FNV_OFFSET;
    for (let i = start[id]; i < start[id + 1]; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    this.hashes[id] = h;
    const found = this.find(bytes, start[id], start[id + 1]);
    if (found >= 0) return found;
    const mask = (1 << this.bits) - 1;
    let slot = this.slotOf(h);
    while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
    this.slots[slot] = id;
    return -1;
  }

  /** Id of the token whose bytes are buf[s, e), or -1. */
  find(buf: Uint8Array, s: number, e: number): number {
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
    const { bytes, start, hashes, slots } = this;
    const mask = (1 << this.bits) - 1;
    const len = e - s;
    for (let slot = this.slotOf(h); ; slot = (slot + 1) & mask) {
      const id = slots[slot];
      if (id === -1) return -1;
      if (hashes[id] !== h || start[id + 1] - start[id] !== len) continue;
      let k = 0;
      const at = start[id];
      while (k < len && bytes[at + k] === buf[s + k]) k++;
      if (k === len) return id;
    }
  }

  /** Id of the token whose bytes are token a's followed by token b's, or -1. */
  findConcat(a: number, b: number): number {
    const { bytes, start, hashes, slots } = this;
    const aStart = start[a];
    const aLen = start[a + 1] - aStart;
    const bStart = start[b];
    const bLen = start[b + 1] - bStart;
    let h = hashes[a];
    for (let i = bStart; i < bStart + bLen; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    const mask = (1 << this.bits) - 1;
    for (let slot = this.slotOf(h); ; slot = (slot + 1) & mask) {
      const id = slots[slot];
      if (id === -1) return -1;
      if (hashes[id] !== h || start[id + 1] - start[id] !== aLen + bLen) continue;
      const at = start[id];
      let k = 0;
      while (k < aLen && bytes[at + k] === bytes[aStart + k]) k++;
      if (k < aLen) continue;
      while (k < aLen + bLen && bytes[at + k] === bytes[bStart + k - aLen]) k++;
      if (k === aLen + bLen) return id;
    }
  }
}
