// Matrices kept in the WebAssembly memory between matmuls, for B operands whose storage is not in
// the heap (heap.ts: an unshared memory keeps storages as plain arrays, and so does a full heap):
// such a weight is copied in once and then read in place until its storage is written again (its
// version changes). Generation with a KV cache multiplies one row by every weight matrix per token;
// copying the weights in each time cost as much as the products (measured: 40% of a token's time).
// Also here: per-call scratch for operands that are copied in, which may take the kept matrices'
// room when the memory runs short.
import type { Heap } from './heap.js';

/** Identity and write count of the storage a matrix comes from. */
export interface ResidentKey { key: object; version: number }

interface Slot { ptr: number; offset: number; length: number; version: number }

/** Matrices smaller than this are cheap to copy; larger ones are kept, up to RESIDENT_MAX_BYTES in all. */
const RESIDENT_MIN_ELEMENTS = 1 << 18;
export const RESIDENT_MAX_BYTES = 768 * 2 ** 20;

let slots = new WeakMap<object, Slot>();
let blocks: { ptr: number; bytes: number }[] = [];
let keptBytes = 0;
let owner: Heap | null = null;

/** Byte address of src[offset, offset + length) in the heap, copied in when absent or stale; -1 when not kept. */
export function residentMatrix(heap: Heap, src: Float32Array, offset: number, length: number, key: ResidentKey): number {
  if (heap !== owner) resetResident(heap); // a new kernel module has a new memory
  if (length < RESIDENT_MIN_ELEMENTS) return -1;
  let slot = slots.get(key.key);
  if (slot && (slot.offset !== offset || slot.length !== length)) return -1; // another window of the same storage
  if (!slot) {
    const bytes = length * 4;
    if (bytes > RESIDENT_MAX_BYTES) return -1;
    if (keptBytes + bytes > RESIDENT_MAX_BYTES) dropResident(); // full: start over (blocks of freed storages are reclaimed only here)
    const ptr = heap.alloc(bytes);
    if (ptr < 0) return -1; // no room: this matrix is copied per call
    blocks.push({ ptr, bytes });
    keptBytes += bytes;
    slot = { ptr, offset, length, version: -1 };
    slots.set(key.key, slot);
  }
  if (slot.version !== key.version) {
    new Float32Array(heap.buffer).set(src.subarray(offset, offset + length), slot.ptr / 4);
    slot.version = key.version;
  }
  return slot.ptr;
}

/** Gives every kept matrix's block back to the heap. */
export function dropResident(): void {
  if (owner) for (const b of blocks) owner.release(b.ptr, b.bytes);
  slots = new WeakMap();
  blocks = [];
  keptBytes = 0;
}

/** Forgets every kept matrix (a new kernel module, or tests). */
export function resetResident(heap: Heap | null = null): void {
  dropResident();
  owner = heap;
}

/** A scratch block for one call; `dropped` says the kept matrices were given up to make room (their addresses are stale). */
export interface Scratch { ptr: number; bytes: number; dropped: boolean }

/**
 * Scratch of `bytes` from the heap, emptying the kept region if that is what it takes; null when
 * even that is not enough (the caller then computes without WebAssembly: slower, still right).
 */
export function takeScratch(heap: Heap, bytes: number): Scratch | null {
  if (bytes === 0) return { ptr: 0, bytes, dropped: false };
  let ptr = heap.alloc(bytes);
  let dropped = false;
  if (ptr < 0 && blocks.length > 0 && owner === heap) {
    dropResident();
    dropped = true;
    ptr = heap.alloc(bytes);
  }
  if (ptr < 0) {
    scratchMisses++;
    return null;
  }
  return { ptr, bytes, dropped };
}

let scratchMisses = 0;
/** Kernel calls that found no room for their scratch and ran without WebAssembly (tests). */
export function scratchMissCount(): number {
  return scratchMisses;
}

export function releaseScratch(heap: Heap, s: Scratch): void {
  if (s.bytes > 0) heap.release(s.ptr, s.bytes);
}
