// Which characters each token of a pre-token covers, in UTF-16 offsets of the original text.

/** Appends [start, end) for ids[from, to) (the tokens of pre-token text[s, e)) to offsets. */
export function pieceOffsets(
  text: string,
  s: number,
  e: number,
  ids: Int32Array,
  from: number,
  to: number,
  tokenLength: (id: number) => number,
  offsets: Array<[number, number]>,
): void {
  let ascii = true;
  for (let i = s; i < e && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) {
    for (let k = from, pos = s; k < to; k++) {
      const len = tokenLength(ids[k]);
      offsets.push([pos, pos + len]);
      pos += len;
    }
    return;
  }
  // For each UTF-8 byte of the piece: where its character starts and ends in the text.
  const charStart: number[] = [];
  const charEnd: number[] = [];
  for (let i = s; i < e; ) {
    const c = text.charCodeAt(i);
    const d = i + 1 < e ? text.charCodeAt(i + 1) : 0;
    const pair = c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000;
    const width = pair ? 2 : 1;
    // lone surrogates are encoded as U+FFFD (3 bytes)
    const nBytes = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    for (let b = 0; b < nBytes; b++) {
      charStart.push(i);
      charEnd.push(i + width);
    }
    i += width;
  }
  for (let k = from, pos = 0; k < to; k++) {
    const len = tokenLength(ids[k]);
    offsets.push([charStart[pos], charEnd[pos + len - 1]]);
    pos += len;
  }
}
