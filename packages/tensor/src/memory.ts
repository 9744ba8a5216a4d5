// One explicit memory model for every backend: storages are reference counted by the tensors
// (and views) that use them; `tidy(fn)` disposes the tensors made inside fn that fn does not
// return; `keep(t)` exempts parameters and optimizer state. `tidy` is synchronous on purpose:
// a scope that spans an await cannot know which tensors belong to it.
import type { Storage } from './backend.js';
import type { Tensor } from './tensor.js';

// Weak: a storage whose tensors were all forgotten (never disposed) can still be collected, and
// the backend's FinalizationRegistry then reclaims its buffer; the counters below keep showing it
// as live, so a leak is visible in memoryStats() rather than silent.
const refCounts = new WeakMap<Storage, number>();
const scopes: Set<Tensor>[] = [];
/** The scopes of graphScope (a layer's forward, an op), as opposed to the caller's own tidy scopes. */
const libraryScopes = new WeakSet<Set<Tensor>>();
let liveTensors = 0;
let liveStorages = 0;

export function retainStorage(s: Storage): void {
  const n = refCounts.get(s) ?? 0;
  if (n === 0) liveStorages++;
  refCounts.set(s, n + 1);
  liveTensors++;
}

export function releaseStorage(s: Storage): void {
  liveTensors--;
  const n = (refCounts.get(s) ?? 1) - 1;
  if (n > 0) refCounts.set(s, n);
  else {
    refCounts.delete(s);
    liveStorages--;
    s.backend.free(s);
  }
}

export function trackTensor(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Exempts `t` from disposal by the enclosing tidy scopes (parameters, optimizer state, caches). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

type TidyResult = Tensor | (Tensor | null)[] | Record<string, unknown> | number | string | boolean | void | null | undefined;

/** Runs fn and disposes every tensor it created, except those it returns (also inside arrays/objects) or kept. */
export function tidy<T extends TidyResult>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    // a step that throws must not leak what it made before the throw
    for (const t of scope) t.dispose();
    throw e;
  } finally {
    scopes.pop();
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    for (const t of scope) t.dispose();
    throw new Error('tidy: fn returned a Promise; tidy cannot span an await (read values back outside the scope)');
  }
  const survivors = new Set<Tensor>();
  collectTensors(result, survivors, new Set());
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/**
 * Runs fn in a scope like tidy, but disposes nothing: returns fn's result, the tensors fn made
 * that it did not return (its temporaries), which the caller takes charge of, and the tensors of
 * the result that fn made. Those join the enclosing scope. A library scope is one that
 * callerScope() steps out of (graphScope's).
 */
export function collectTemporaries<T>(fn: () => T, library = false): { result: T; temporaries: Tensor[]; made: Tensor[] } {
  const scope = new Set<Tensor>();
  if (library) libraryScopes.add(scope);
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    for (const t of scope) t.dispose();
    throw e;
  } finally {
    scopes.pop();
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    for (const t of scope) t.dispose();
    throw new Error('a forward or graphScope fn returned a Promise; it cannot span an await (read values back outside it)');
  }
  const survivors = new Set<Tensor>();
  collectTensors(result, survivors, new Set());
  const parent = scopes[scopes.length - 1];
  const temporaries: Tensor[] = [];
  const made: Tensor[] = [];
  for (const t of scope) {
    if (survivors.has(t)) {
      parent?.add(t);
      made.push(t);
    } else temporaries.push(t);
  }
  return { result, temporaries, made };
}

/**
 * Runs fn as if outside every library scope: the tensors it makes belong to the caller's
 * innermost tidy scope (or to no scope). For callbacks that hand tensors out of a layer.
 */
export function callerScope<T>(fn: () => T): T {
  let i = scopes.length;
  while (i > 0 && libraryScopes.has(scopes[i - 1])) i--;
  const inner = scopes.splice(i);
  try {
    return fn();
  } finally {
    scopes.push(...inner);
  }
}

/** Every tensor inside v, at any depth of arrays and plain objects (each object visited once). */
function collectTensors(v: unknown, out: Set<Tensor>, seen: Set<object>): void {
  if (!v || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (isTensor(v)) { out.add(v); return; }
  for (const x of Array.isArray(v) ? v : Object.values(v)) collectTensors(x, out, seen);
}

function isTensor(v: object): v is Tensor {
  return (v as { isTensor?: boolean }).isTensor === true;
}

/** Live tensors (views count once each) and the backend buffers behind them. */
export function memoryStats(): { tensors: number; storages: number } {
  return { tensors: liveTensors, storages: liveStorages };
}
