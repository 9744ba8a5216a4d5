// Where the time goes: a profiler that wraps a backend's kernel methods with timers, so a
// benchmark can print matmul vs each kernel family vs copies vs the rest (op dispatch, autograd,
// allocation). Kernels that run synchronously (the CPU backend) are timed exactly; on an
// asynchronous backend (WebGPU) the figures are dispatch costs only.
import type { Backend } from './backend.js';

export interface ProfileEntry { calls: number; ms: number; elements: number }
export type Profile = Map<string, ProfileEntry>;

const METHODS = ['copy', 'fill', 'unary', 'binary', 'where', 'reduce', 'matmul', 'indexSelect', 'indexAdd', 'gather', 'scatterAdd', 'topk', 'adamw', 'matmulBias',
  'softmaxRows', 'softmaxRowsBackward', 'layerNormRows', 'layerNormRowsBackward', 'logSumExpRows', 'softmaxScaledRows', 'gelu', 'geluBackward', 'attention'] as const;

/** Time spent inside the current profile under `label` (a kernel may split its own time, e.g. matmul's copies). */
let active: Profile | null = null;

export function profileAdd(label: string, ms: number, elements = 0): void {
  if (!active) return;
  const e = active.get(label) ?? { calls: 0, ms: 0, elements: 0 };
  e.calls++;
  e.ms += ms;
  e.elements += elements;
  active.set(label, e);
}

/** Whether a profile is recording (kernels check it before reading the clock). */
export const profiling = (): boolean => active !== null;

function labelOf(method: string, args: unknown[]): string {
  if (method === 'unary' || method === 'binary' || method === 'reduce') return `${method}:${String(args[0])}`;
  return method;
}

/**
 * Starts timing every kernel call of `backend`; `stop()` ends it and returns the profile
 * (label → calls, total ms). Covers async code too (everything until stop). One at a time.
 */
export function startProfile(backend: Backend): { stop(): Profile } {
  if (active) throw new Error('startProfile: a profile is already recording');
  const profile: Profile = new Map();
  const target = backend as unknown as Record<string, unknown>;
  const saved: [string, unknown, boolean][] = [];
  for (const m of METHODS) {
    const original = target[m];
    if (typeof original !== 'function') continue;
    saved.push([m, original, Object.prototype.hasOwnProperty.call(target, m)]);
    target[m] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        profileAdd(labelOf(m, args), performance.now() - t0);
      }
    };
  }
  active = profile;
  let stopped = false;
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        active = null;
        for (const [m, original, own] of saved) {
          if (own) target[m] = original;
          else delete target[m];
        }
      }
      return profile;
    },
  };
}

/** Runs fn (sync or async) under a profile of `backend`. */
export async function withProfile<T>(backend: Backend, fn: () => T | Promise<T>): Promise<{ result: T; profile: Profile }> {
  const p = startProfile(backend);
  try {
    return { result: await fn(), profile: p.stop() };
  } finally {
    p.stop();
  }
}

/**
 * A table of the profile: one line per label (ms per step, share of the wall time, calls per step),
 * largest first, then "rest" = wall time not spent inside any kernel. `matmul` includes its
 * operand copies, also shown on their own as `matmul copies (part)` (labels marked
 * "(part)" are inside another label's time and not added to the total).
 */
export function formatProfile(profile: Profile, wallMs: number, steps = 1, top = 16): string {
  const rows = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.filter(([k]) => !k.includes(' (part)')).reduce((s, [, e]) => s + e.ms, 0);
  const lines = [`  ${'where the time goes'.padEnd(40)} ${'ms/step'.padStart(9)} ${'share'.padStart(6)} ${'calls/step'.padStart(10)}`];
  const line = (label: string, ms: number, calls: number | string) =>
    `  ${label.padEnd(40)} ${(ms / steps).toFixed(1).padStart(9)} ${((100 * ms) / wallMs).toFixed(1).padStart(5)}% ${String(calls).padStart(10)}`;
  for (const [label, e] of rows.slice(0, top)) lines.push(line(label, e.ms, Math.round(e.calls / steps)));
  const others = rows.slice(top);
  if (others.length) lines.push(line(`(${others.length} more)`, others.reduce((s, [, e]) => s + e.ms, 0), ''));
  lines.push(line('rest (JS ops, autograd, alloc)', Math.max(0, wallMs - inKernels), ''));
  const mm = (profile.get('matmul')?.ms ?? 0) + (profile.get('matmulBias')?.ms ?? 0);
  lines.push(`  outside matmul: ${((100 * (wallMs - mm)) / wallMs).toFixed(1)}% of ${(wallMs / steps).toFixed(1)} ms/step`);
  return lines.join('\n');
}
