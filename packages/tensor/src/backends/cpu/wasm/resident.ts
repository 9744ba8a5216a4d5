// Matrices that stay in the WebAssembly memory between matmuls: a weight used as the B operand is
// copied in once and then read in place, until its storage is written again (its version changes).
// Generation with a KV cache multiplies one row by every weight matrix per token; copying the
// weights in each time cost as much as the products (measured: 40% of a token's time).
// The region sits below the per-call scratch; it is emptied when it would pass its budget or when
// the thread count (and with it the workspaces below it) changes.
import { align64 } from './job.js';
import { ensureBytes, memoryViews } from './matmul.js';

/** Identity and write count of the storage a matrix comes from. */
export interface ResidentKey { key: object; version: number }

interface Slot { ptr: number; offset: number; length: number; version: number }

/** Matrices smaller than this are cheap to copy; larger ones are kept, up to RESIDENT_MAX_BYTES in all. */
const RESIDENT_MIN_ELEMENTS = 1 << 18;
export const RESIDENT_MAX_BYTES = 768 * 2 ** 20;

let slots = new WeakMap<object, Slot>();
let base = 0, end = 0;

/** Where per-call scratch begins, for workspaces ending at `workEnd`; a changed workEnd empties the region. */
export function scratchStart(workEnd: number): number {
  if (workEnd !== base) {
    slots = new WeakMap();
    base = end = align64(workEnd);
  }
  return end;
}

/** Byte address of src[offset, offset + length) in the memory, copied in when absent or stale; -1 when not kept. */
export function residentMatrix(memory: WebAssembly.Memory, src: Float32Array, offset: number, length: number, key: ResidentKey): number {
  if (length < RESIDENT_MIN_ELEMENTS) return -1;
  let slot = slots.get(key.key);
  if (slot && (slot.offset !== offset || slot.length !== length)) return -1; // another window of the same storage
  if (!slot) {
    const bytes = align64(length * 4);
    if (end + bytes - base > RESIDENT_MAX_BYTES) {
      // full: start over (slots of freed storages are reclaimed only here)
      slots = new WeakMap();
      end = base;
      if (bytes > RESIDENT_MAX_BYTES) return -1;
    }
    try {
      ensureBytes(memory, end + bytes);
    } catch {
      return -1; // no room: this matrix is copied per call, as without the region
    }
    slot = { ptr: end, offset, length, version: -1 };
    slots.set(key.key, slot);
    end += bytes;
  }
  if (slot.version !== key.version) {
    memoryViews(memory).heap.set(src.subarray(offset, offset + length), slot.ptr / 4);
    slot.version = key.version;
  }
  return slot.ptr;
}

/** Empties the region, keeping its place (when a call's scratch needs the room). */
export function dropResident(): void {
  slots = new WeakMap();
  end = base;
}

/** Runs place(scratchStart) and, if its memory cannot be had, empties the region and places once more from its base. */
export function withScratch<T>(workEnd: number, place: (start: number) => T): T {
  const start = scratchStart(workEnd);
  try {
    return place(start);
  } catch (e) {
    if (start === align64(workEnd) || !(e instanceof RangeError)) throw e;
    dropResident();
    return place(scratchStart(workEnd));
  }
}

/** Forgets every kept matrix (a new kernel module, or tests). */
export function resetResident(): void {
  slots = new WeakMap();
  base = end = 0;
}
