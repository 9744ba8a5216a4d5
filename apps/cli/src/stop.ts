// Stop sequences on streamed text: text that could be the start of a stop sequence is held back
// until the next piece shows whether it is one, so a stop sequence is never printed in part.

export class StopMatcher {
  private held = '';
  constructor(private readonly stops: readonly string[]) {}

  /** Feeds a piece; returns the text that is safe to emit and whether a stop sequence was reached (it and what follows are dropped). */
  push(piece: string): { text: string; stopped: boolean } {
    const text = this.held + piece;
    let cut = -1;
    for (const s of this.stops) {
      const i = s ? text.indexOf(s) : -1;
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      this.held = '';
      return { text: text.slice(0, cut), stopped: true };
    }
    const keep = this.partialSuffix(text);
    this.held = text.slice(text.length - keep);
    return { text: text.slice(0, text.length - keep), stopped: false };
  }

  /** What is held back, at the end of generation. */
  flush(): string {
    const text = this.held;
    this.held = '';
    return text;
  }

  /** Length of the longest end of `text` that begins some stop sequence. */
  private partialSuffix(text: string): number {
    let best = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, text.length); n > best; n--) {
        if (s.startsWith(text.slice(text.length - n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
