// A byte-level BPE encoding with tiktoken's API: encode / decode / special tokens, plus offsets and streaming.
import { BpeScratch, bytePairMerge, PairTable } from './bpe';
import { pieceOffsets } from './offsets';
import { MISS, PieceCache } from './pieceCache';
import { findPattern, type PieceEnd, unknownPatternError } from './patterns';
import { gpt2PieceEnd } from './pretokenize';
import { checkDisallowed, resolveSpecials, specialFinder, type EncodeOptions } from './specials';
import { StreamDecoder } from './streamDecoder';
import { charCategories, charClasses } from './unicode';
import { utf8Encode } from './utf8';
import { buildTables, type EncodingSpec, type VocabTables } from './vocab';

/** Pre-tokens longer than this are not cached (they are rare and would crowd the cache). */
const MAX_CACHED_CHARS = 256;
const MAX_CACHE_ENTRIES = 200_000;
const SCRATCH = -1;
// ignoreBOM keeps a leading U+FEFF in the text (TextDecoder drops it by default; tiktoken does not).
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `an object (${Object.prototype.toString.call(v)})` : `${typeof v} ${String(v).slice(0, 40)}`;
}

export class Encoding {
  readonly name: string;
  /** Number of ids (max id + 1), special tokens included: 50,257 for gpt2. */
  readonly nVocab: number;
  /** Id of '<|endoftext|>' (50256 for gpt2), or undefined when the encoding has none. */
  readonly eotToken: number | undefined;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** 'gpt2' or the regular expression source that splits text into pre-tokens. */
  readonly pattern: string;
  /** The known pattern's name ('gpt2', 'cl100k_base', 'o200k_base', 'qwen2'), or 'custom' for a code-supplied regex. */
  readonly patternName: string;
  private readonly t: VocabTables;
  private readonly pairs: PairTable;
  private readonly merges: Int32Array | null;
  private readonly wholeTokenLookup: boolean;
  /** GPT-2's scanner's classes, when the pattern is GPT-2's. */
  private readonly classes: Uint8Array | null;
  /** Another known pattern's scanner and its categories. */
  private readonly scan: PieceEnd | null;
  private readonly categories: Uint8Array | null;
  /** A custom pattern (allowCustomPattern). */
  private readonly regex: RegExp | null;
  private readonly scratch = new BpeScratch();
  private buf = new Uint8Array(1024);
  /** Reused for decoding short id lists (streaming pushes one id at a time). */
  private decodeBuf = new Uint8Array(256);
  private readonly cache = new PieceCache(MAX_CACHE_ENTRIES);
  private scratchLen = 0;
  /** Ids of the call in progress: filling a typed array and copying it once is faster than growing a number[]. */
  private out = new Int32Array(1024);
  private outLen = 0;

  constructor(spec: EncodingSpec) {
    this.t = buildTables(spec);
    const { table } = this.t;
    this.name = spec.name;
    this.nVocab = this.t.nVocab;
    this.specialTokens = this.t.specialTokens;
    this.eotToken = this.t.specialTokens.get('<|endoftext|>');
    const pattern = spec.pattern ?? 'gpt2';
    const known = typeof pattern === 'string' ? findPattern(pattern) : undefined;
    this.classes = null;
    this.scan = null;
    this.categories = null;
    this.regex = null;
    if (known) {
      this.pattern = known.name === 'gpt2' ? 'gpt2' : known.source;
      this.patternName = known.name;
      if (known.pieceEnd === null) this.classes = charClasses();
      else [this.scan, this.categories] = [known.pieceEnd, charCategories()];
    } else if (spec.allowCustomPattern === true && typeof pattern === 'string') {
      this.pattern = pattern;
      this.patternName = 'custom';
      try {
        this.regex = new RegExp(pattern, 'gu');
      } catch (e) {
        throw new Error(`Encoding ${spec.name}: invalid pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`);
      }
    } else {
      throw unknownPatternError(pattern, `Encoding ${spec.name}`);
    }
    this.merges = spec.merges ? this.mergeTable(spec.merges) : null;
    this.wholeTokenLookup = this.merges === null || spec.ignoreMerges === true;
    if (this.merges === null) {
      this.pairs = new PairTable((a, b) => table.findConcat(a, b));
    } else {
      this.pairs = new PairTable(null, this.merges.length / 2);
      for (let i = 0; i < this.merges.length; i += 2) {
        const a = this.merges[i];
        const b = this.merges[i + 1];
        this.pairs.set(a, b, table.findConcat(a, b), i / 2);
      }
    }
  }

  private mergeTable(merges: ReadonlyArray<readonly [number, number]>): Int32Array {
    const { ordinary, table } = this.t;
    const flat = new Int32Array(merges.length * 2);
    merges.forEach((pair, i) => {
      const [a, b] = pair ?? [];
      for (const id of [a, b]) {
        if (!Number.isInteger(id) || ordinary[id] !== 1) throw new Error(`Encoding ${this.name}: merge ${i} names ${id}, which is not an ordinary token id`);
      }
      if (table.findConcat(a, b) < 0) throw new Error(`Encoding ${this.name}: merge ${i} (${a} ${b}) makes bytes that are not a token`);
      flat[2 * i] = a;
      flat[2 * i + 1] = b;
    });
    return flat;
  }

  /** Token ids of `text`. Special tokens in the text throw unless allowed (or no longer disallowed), as in tiktoken. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    this.startIds(typeof text === 'string' ? text.length : 0);
    this.segments(text, options, 'encode', (start, end) => this.encodeRange(text, start, end), (id) => this.pushId(id));
    return this.takeIds();
  }

  /** Token ids of `text`, treating special-token text as ordinary text. */
  encodeOrdinary(text: string): number[] {
    if (typeof text !== 'string') throw new TypeError(`encodeOrdinary: expected a string, got ${describe(text)}`);
    this.startIds(text.length);
    this.encodeRange(text, 0, text.length);
    return this.takeIds();
  }

  /** Ids plus the [start, end) UTF-16 offsets in `text` each token covers. A character whose UTF-8 bytes are split
   *  between tokens is covered by each of them; text.slice(start, end) is exact for every other token. */
  encodeWithOffsets(text: string, options: EncodeOptions = {}): { ids: number[]; offsets: Array<[number, number]> } {
    const offsets: Array<[number, number]> = [];
    const { tokenStart } = this.t;
    const tokenLength = (id: number) => tokenStart[id + 1] - tokenStart[id];
    const onOrdinary = (start: number, end: number) =>
      this.forEachPiece(text, start, end, (s, e) => {
        const from = this.outLen;
        this.pushPiece(text, s, e);
        pieceOffsets(text, s, e, this.out, from, this.outLen, tokenLength, offsets);
      });
    const onSpecial = (id: number, at: number, len: number) => {
      this.pushId(id);
      offsets.push([at, at + len]);
    };
    this.startIds(typeof text === 'string' ? text.length : 0);
    this.segments(text, options, 'encodeWithOffsets', onOrdinary, onSpecial);
    return { ids: this.takeIds(), offsets };
  }

  /** Text of the ids; invalid UTF-8 (a token sequence cut inside a character) becomes U+FFFD, as in tiktoken. */
  decode(ids: ArrayLike<number>): string {
    return utf8Decoder.decode(this.bytesOf(ids, 'decode'));
  }

  /** Raw bytes of the ids. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return this.bytesOf(ids, 'decodeBytes').slice();
  }

  /** Bytes of one token. */
  decodeTokenBytes(id: number): Uint8Array {
    return this.bytesOf([id], 'decodeTokenBytes').slice();
  }

  /** A decoder for tokens as they are generated: push(id) returns the text that is complete so far, holding back
   *  the bytes of a character that is not finished yet; flush() returns what is left. */
  streamDecoder(): StreamDecoder {
    return new StreamDecoder((id) => this.bytesOf([id], 'streamDecoder.push'));
  }

  /** The bytes of the ids, as a view into a buffer that may be longer; `op` names the caller in errors. */
  private bytesOf(ids: ArrayLike<number>, op: string): Uint8Array {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TypeError(`${op}: expected an array of token ids, got ${describe(ids)}`);
    }
    const { tokenBytes, tokenStart } = this.t;
    const n = this.nVocab;
    // One pass to check the ids and size the output, one to copy: no regrowth, however long the tokens are.
    let total = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (id >>> 0 !== id || id >= n) this.badId(op, ids, k);
      const len = tokenStart[id + 1] - tokenStart[id];
      if (len === 0) this.badId(op, ids, k);
      total += len;
    }
    const out = total <= this.decodeBuf.length ? this.decodeBuf : new Uint8Array(total);
    if (out.length <= 1 << 16) this.decodeBuf = out;
    let at = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      const e = tokenStart[id + 1];
      for (let j = tokenStart[id]; j < e; j++) out[at++] = tokenBytes[j];
    }
    return out.subarray(0, at);
  }

  /** The ordinary tokens' bytes by id (undefined for special and unused ids) and, for merges-file encodings, the
   *  merge order: everything needed to rebuild the encoding (see saveEncoding). */
  exportSpec(): EncodingSpec {
    const { tokenBytes, tokenStart, ordinary } = this.t;
    const tokens = Array.from(ordinary, (o, id) => (o ? tokenBytes.slice(tokenStart[id], tokenStart[id + 1]) : undefined));
    const merges: Array<[number, number]> | undefined = this.merges
      ? Array.from({ length: this.merges.length / 2 }, (_, i) => [this.merges![2 * i], this.merges![2 * i + 1]] as [number, number])
      : undefined;
    return {
      name: this.name,
      tokens,
      specialTokens: Object.fromEntries(this.specialTokens),
      pattern: this.pattern,
      allowCustomPattern: this.regex !== null ? true : undefined,
      merges,
      ignoreMerges: this.merges !== null && this.wholeTokenLookup ? true : undefined,
    };
  }

  private badId(op: string, ids: ArrayLike<number>, k: number): never {
    const id = ids[k];
    const shown = typeof id === 'number' ? String(id) : JSON.stringify(id);
    const what = op === 'decode' || op === 'decodeBytes' ? `${op}: ids[${k}] = ${shown}` : `${op}: id ${shown}`;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new TypeError(`${what} is not an integer token id`);
    if (id < 0 || id >= this.nVocab) throw new RangeError(`${what} is out of range for ${this.name} (ids are 0..${this.nVocab - 1})`);
    throw new RangeError(`${what} is not a token of ${this.name} (unused id)`);
  }

  /** Splits text at allowed special tokens: ordinary stretches go to onOrdinary, special tokens to onSpecial. */
  private segments(
    text: string,
    options: EncodeOptions,
    op: string,
    onOrdinary: (start: number, end: number) => void,
    onSpecial: (id: number, at: number, length: number) => void,
  ): void {
    if (typeof text !== 'string') throw new TypeError(`${op}: expected a string, got ${describe(text)}`);
    if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
    const { allowed, disallowed } = resolveSpecials(this.name, this.specialTokens, options);
    checkDisallowed(text, disallowed);
    if (allowed.length === 0) return onOrdinary(0, text.length);
    const find = specialFinder(text, allowed);
    for (let from = 0; ; ) {
      const m = find(from);
      const end = m ? m.at : text.length;
      if (end > from) onOrdinary(from, end);
      if (!m) return;
      onSpecial(this.specialTokens.get(m.token)!, m.at, m.token.length);
      from = m.at + m.token.length;
    }
  }

  private forEachPiece(text: string, start: number, end: number, f: (s: number, e: number) => void): void {
    if (this.classes !== null || this.scan !== null) {
      for (let i = start; i < end; ) {
        const e = this.classes !== null ? gpt2PieceEnd(text, i, end, this.classes) : this.scan!(text, i, end, this.categories!);
        f(i, e);
        i = e;
      }
      return;
    }
    // The pattern sees each stretch between special tokens as a whole string (its lookaheads stop there).
    const stretch = start === 0 && end === text.length ? text : text.slice(start, end);
    for (const m of stretch.matchAll(this.regex!)) {
      if (m[0].length > 0) f(start + m.index!, start + m.index! + m[0].length);
    }
  }

  private startIds(textLength: number): void {
    // about one token per 4 characters of English; grown on demand
    if (this.out.length < textLength >> 2) this.out = new Int32Array(textLength >> 2);
    this.outLen = 0;
  }

  private takeIds(): number[] {
    const n = this.outLen;
    const ids = new Array<number>(n);
    for (let k = 0; k < n; k++) ids[k] = this.out[k];
    if (this.out.length > 1 << 20) this.out = new Int32Array(1024); // do not hold on to a big text's ids
    return ids;
  }

  private pushId(id: number): void {
    if (this.outLen === this.out.length) this.growIds(1);
    this.out[this.outLen++] = id;
  }

  private growIds(extra: number): void {
    const grown = new Int32Array(Math.max(this.out.length * 2, this.outLen + extra));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  private encodeRange(text: string, start: number, end: number): void {
    const cls = this.classes;
    const scan = this.scan;
    if (cls !== null) {
      for (let i = start; i < end; ) {
        const e = gpt2PieceEnd(text, i, end, cls);
        this.pushPiece(text, i, e);
        i = e;
      }
    } else if (scan !== null) {
      const cat = this.categories!;
      for (let i = start; i < end; ) {
        const e = scan(text, i, end, cat);
        this.pushPiece(text, i, e);
        i = e;
      }
    } else {
      this.forEachPiece(text, start, end, (s, e) => this.pushPiece(text, s, e));
    }
  }

  private pushPiece(text: string, s: number, e: number): void {
    let v = this.cache.get(text, s, e);
    if (v === MISS) v = this.encodePiece(text, s, e);
    // a piece has at most one token per UTF-8 byte, at most 3 bytes per UTF-16 unit
    if (this.outLen + (e - s) * 3 > this.out.length) this.growIds((e - s) * 3);
    const out = this.out;
    if (v >= 0) {
      out[this.outLen++] = v;
      return;
    }
    let n = this.outLen;
    if (v === SCRATCH) {
      const ids = this.scratch.ids;
      for (let k = 0; k < this.scratchLen; k++) out[n++] = ids[k];
    } else {
      const ids = this.cache.ids;
      const at = -v - 2;
      const end = at + 1 + ids[at];
      for (let k = at + 1; k < end; k++) out[n++] = ids[k];
    }
    this.outLen = n;
  }

  /** Encodes text[s, e), a pre-token that missed the cache; returns its cache value (SCRATCH: left in scratch.ids). */
  private encodePiece(text: string, s: number, e: number): number {
    let n = utf8Encode(text, s, e, this.buf);
    if (n < 0) {
      this.buf = new Uint8Array((e - s) * 3 + 1024);
      n = utf8Encode(text, s, e, this.buf);
    }
    const { byteToId, table, maxTokenBytes } = this.t;
    let single = -1;
    let count = 1;
    if (n === 1) single = byteToId[this.buf[0]];
    else if (this.wholeTokenLookup && n <= maxTokenBytes) single = table.find(this.buf, 0, n);
    if (single < 0) {
      count = bytePairMerge(this.buf, n, byteToId, this.pairs, this.scratch);
      if (count === 1) single = this.scratch.ids[0];
    }
    const cacheable = e - s <= MAX_CACHED_CHARS;
    if (single >= 0) {
      if (cacheable) this.cache.setId(text, s, e, single);
      return single;
    }
    if (cacheable) return this.cache.setIds(text, s, e, this.scratch.ids, count);
    this.scratchLen = count;
    return SCRATCH;
  }
}
