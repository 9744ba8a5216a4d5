// Seeded adversarial strings for the agreement tests: the places a GPT-2 tokenizer gets wrong.

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments = [
  ...["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'", "''", "n't", "it's", "they're", " 'll"],
  ...[' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', ' \n ', '\u00a0', '\u3000', '\u2028', '\u2029', '\u000b', '\u000c', '\u1680', '\u200b', '\u0085', '\ufeff'],
  ...['0', '7', '123', '2024', '3.14', '1,000', '٣', '½', 'Ⅻ', '①', '𝟘'],
  ...['the', 'The', ' hello', 'world', 'GPT', 'tokenization', 'Ünïcödé', 'naïve', 'café', 'straße', 'İ', 'ǅ'],
  ...['e\u0301', 'a\u0308\u0323', '\u0301', '\u200d', '\u0915\u094d\u0937', 'ไทย', 'עברית', 'العربية', 'Русский', 'Ελληνικά'],
  ...['日本語', '中文', '한국어', '𠀀', '𪚥', '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '🏳️‍🌈', '❤️', '𝐀𝐁', '𐍈'],
  ...['\ud800', '\udc00', '\udbff\udbff', '\udfff\ud800', 'a\ud83dz'],
  ...['\u0000', '\u0001', '\u001b[0m', '\u007f', '\u0080', '\u009f', '\ufffd', '\uffff', '\ue000'],
  ...['HELLO', 'HeLLo', "DON'T", "IT'S", "It'Ll", "x'ſ", "'ſ", 'ǅungla', 'ΣΑΣ', 'Ǆ', 'ʰ', 'ˈa', 'A\u0301B', 'ab\u0301C', '\u0301A', '中A', 'aA', 'Aa'],
  ...['/', '//', '\r\n/', ' /', '/\n', '\r', '\r\r\n', ' \r\n ', '\t\n', 'a/b/c', '1234567', '٣٤٥٦'],
  ...['!', '?!', '...', '---', '--', '<', '>', '|', '<|endoftext|', '|>', '<|', '@#$%', '==', '//', '/*', '*/', '{', '}', '\\', '`', '~'],
];

function randomCodePoint(rand: () => number): string {
  const r = rand();
  const cp = r < 0.5 ? Math.floor(rand() * 0x3000) : r < 0.8 ? Math.floor(rand() * 0x10000) : Math.floor(rand() * 0x110000);
  return cp >= 0xd800 && cp < 0xe000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

/** A random string of fragments, random code points and long runs of one kind of character. */
export function adversarialString(rand: () => number, parts = 40): string {
  let s = '';
  for (let i = 0; i < parts; i++) {
    const r = rand();
    if (r < 0.6) s += fragments[Math.floor(rand() * fragments.length)];
    else if (r < 0.85) s += randomCodePoint(rand);
    else if (r < 0.95) s += ['a', ' ', '1', '!', '\n', 'é', '😀', ' \t'][Math.floor(rand() * 8)].repeat(1 + Math.floor(rand() * 80));
    else s += ' '.repeat(1 + Math.floor(rand() * 400)) + fragments[Math.floor(rand() * fragments.length)];
  }
  return s;
}
