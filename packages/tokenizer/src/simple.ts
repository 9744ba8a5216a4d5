// The book's first tokenizers (chapter 2): split on punctuation and whitespace, map words to ids through a
// vocabulary built from a text. V1 knows only its vocabulary; V2 adds <|unk|> and <|endoftext|>.

/** The book's splitting pattern: punctuation marks, double dashes and whitespace, kept as pieces. */
const splitPattern = /([,.:;?_!"()']|--|\s)/;
/** Decoding joins words with spaces, then removes the space before punctuation. */
const spaceBeforePunctuation = /\s+([,.?!"()'])/g;

export const unkToken = '<|unk|>';
export const endOfTextToken = '<|endoftext|>';

export type Vocab = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** The book's preprocessing: split on punctuation and whitespace, drop the blanks. */
export function simpleSplit(text: string): string[] {
  if (typeof text !== 'string') throw new TypeError(`simpleSplit: expected a string, got ${typeof text}`);
  return text
    .split(splitPattern)
    .map((s) => s?.trim() ?? '')
    .filter((s) => s !== '');
}

/** Python's sorted() order (by code point), which the book's vocabulary ids follow. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Vocabulary of a text: its distinct words in sorted order, ids 0.., then the special tokens
 *  (the book: [] for V1's vocabulary, ['<|endoftext|>', '<|unk|>'] for V2's). */
export function buildVocab(text: string, options: { specialTokens?: readonly string[] } = {}): Map<string, number> {
  const words = [...new Set(simpleSplit(text))].sort(byCodePoint);
  for (const s of options.specialTokens ?? []) if (!words.includes(s)) words.push(s);
  return new Map(words.map((w, i) => [w, i]));
}

function toMap(vocab: Vocab, who: string): Map<string, number> {
  const entries = vocab instanceof Map ? [...vocab] : vocab && typeof vocab === 'object' ? Object.entries(vocab) : null;
  if (entries === null) throw new TypeError(`${who}: vocab must be a Map or an object of word -> id`);
  for (const [w, id] of entries) {
    if (!Number.isInteger(id) || id < 0) throw new Error(`${who}: vocab entry ${JSON.stringify(w)} has invalid id ${id}`);
  }
  return new Map(entries);
}

export class SimpleTokenizerV1 {
  readonly strToInt: ReadonlyMap<string, number>;
  readonly intToStr: ReadonlyMap<number, string>;

  constructor(vocab: Vocab) {
    this.strToInt = toMap(vocab, new.target.name);
    this.intToStr = new Map([...this.strToInt].map(([w, i]) => [i, w]));
  }

  encode(text: string): number[] {
    return simpleSplit(text).map((w) => this.idOf(w));
  }

  protected idOf(word: string): number {
    const id = this.strToInt.get(word);
    if (id === undefined) {
      throw new Error(`SimpleTokenizerV1.encode: ${JSON.stringify(word)} is not in the vocabulary (SimpleTokenizerV2 maps unknown words to ${unkToken})`);
    }
    return id;
  }

  decode(ids: readonly number[]): string {
    if (!Array.isArray(ids)) throw new TypeError('decode: expected an array of token ids');
    const words = ids.map((id, k) => {
      const w = this.intToStr.get(id);
      if (w === undefined) throw new RangeError(`decode: ids[${k}] = ${id} is not in the vocabulary`);
      return w;
    });
    return words.join(' ').replace(spaceBeforePunctuation, '$1');
  }
}

/** V1 plus <|unk|> for words outside the vocabulary; join texts with <|endoftext|> between them. */
export class SimpleTokenizerV2 extends SimpleTokenizerV1 {
  private readonly unkId: number;

  constructor(vocab: Vocab) {
    super(vocab);
    const unk = this.strToInt.get(unkToken);
    if (unk === undefined) throw new Error(`SimpleTokenizerV2: the vocabulary has no ${unkToken} token (build it with buildVocab(text, { specialTokens: ['${endOfTextToken}', '${unkToken}'] }))`);
    this.unkId = unk;
  }

  protected override idOf(word: string): number {
    return this.strToInt.get(word) ?? this.unkId;
  }
}
