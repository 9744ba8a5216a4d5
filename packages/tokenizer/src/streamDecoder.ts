// Decoding tokens one at a time as a model generates them. A token can end in the middle of a character
// (an emoji is often two or three GPT-2 tokens), so the incomplete bytes wait for the next token.

export class StreamDecoder {
  // stream: true holds back an unfinished UTF-8 sequence; ignoreBOM keeps a leading U+FEFF as text.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(private readonly bytesOf: (id: number) => Uint8Array) {}

  /** Text completed by this token ('' while a character is still unfinished). */
  push(id: number): string {
    return this.decoder.decode(this.bytesOf(id), { stream: true });
  }

  /** Text completed by these tokens. */
  pushAll(ids: Iterable<number>): string {
    let s = '';
    for (const id of ids) s += this.push(id);
    return s;
  }

  /** Whatever is held back, as U+FFFD for each unfinished character; the decoder can then start over. */
  flush(): string {
    return this.decoder.decode();
  }
}
