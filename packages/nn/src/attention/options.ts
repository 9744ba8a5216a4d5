// Constructor options shared by the attention classes (camelCase of the book's arguments).
import type { InitOptions } from '../init.js';
import { checkPositive } from '../check.js';

export interface AttentionOptions extends InitOptions {
  dIn: number;
  dOut: number;
  /** Longest sequence the layer accepts (the causal mask's size). */
  contextLength: number;
  /** Dropout probability on the attention weights (default 0). */
  dropout?: number;
  /** Biases in the query/key/value projections (default false). */
  qkvBias?: boolean;
}

export interface MultiHeadOptions extends AttentionOptions {
  /** Number of heads (the book's num_heads); `nHeads` is accepted too. */
  numHeads?: number;
  nHeads?: number;
}

export function checkAttention(op: string, o: AttentionOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError(`${op}: expected options { dIn, dOut, contextLength, ... }`);
  checkPositive(op, { dIn: o.dIn, dOut: o.dOut, contextLength: o.contextLength });
}

export function numHeadsOf(op: string, o: MultiHeadOptions): number {
  const n = o.numHeads ?? o.nHeads;
  if (n === undefined) throw new RangeError(`${op}: numHeads is missing`);
  checkPositive(op, { numHeads: n });
  return n;
}

/** x must be (B, T, dIn) with T within the context length. */
export function checkInput(op: string, x: { shape: readonly number[] }, dIn: number, contextLength: number, offset = 0): void {
  const s = x.shape;
  if (s.length !== 3 || s[2] !== dIn) throw new Error(`${op}: expected input (batch, tokens, ${dIn}), got [${s.join(', ')}]`);
  if (offset + s[1] > contextLength) {
    throw new RangeError(
      offset
        ? `${op}: ${s[1]} new tokens after ${offset} cached ones exceed the context length ${contextLength}`
        : `${op}: ${s[1]} tokens exceed the context length ${contextLength}`,
    );
  }
}
