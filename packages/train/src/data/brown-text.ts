// The Brown corpus's tagged text as plain text. Each file holds tagged tokens such as
// "The/at jury/nn said/vbd ./."; we drop the tags and undo the tokenization's spacing around
// punctuation and quotes. Browser-safe (reading the files is data/brown.ts, Node's).

/** One tagged text ("word/tag word/tag ...", a sentence per line) as plain text. */
export function untagBrown(tagged: string): string {
  const sentences: string[] = [];
  for (const line of tagged.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean).map((tok) => {
      const slash = tok.lastIndexOf('/');
      return slash > 0 ? tok.slice(0, slash) : tok;
    });
    if (words.length) sentences.push(detokenize(words));
  }
  return sentences.join(' ');
}

const ATTACH_LEFT = new Set(['.', ',', ';', ':', '?', '!', ')', "''", "'", '...']);
const ATTACH_RIGHT = new Set(['(', '``', '`']);

// the corpus doubles some sentence ends ("?/. ?/.", ";/. ;/."): printed once
const NO_REPEAT = new Set(['?', ';', '!']);

/** Joins word tokens with spaces except around punctuation, and turns `` and '' into straight quotes. */
export function detokenize(words: string[]): string {
  let out = '';
  let glueNext = true;
  let prev = '';
  for (const w of words) {
    if (w === prev && NO_REPEAT.has(w)) continue;
    prev = w;
    const text = w === '``' || w === "''" ? '"' : w;
    if (!glueNext && !ATTACH_LEFT.has(w) && w !== '--') out += ' ';
    out += text;
    glueNext = ATTACH_RIGHT.has(w) || w === '--';
  }
  return out;
}
