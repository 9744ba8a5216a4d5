// One thread per element over same-shaped strided views (copy, fill, unary, binary, where).
// Dims that every operand lays out contiguously are merged first (as the CPU backend does), so
// the common cases are rank 1 or 2; the WGSL is generated per rank with the index math unrolled.
import { collapseDims } from '../../cpu/strided.js';
import type { Access } from '../kernel.js';
import type { GpuStorage, Runner } from '../storage.js';
import type { Scalar } from '../wgsl.js';

export const ELEMENTWISE_WORKGROUP = 256;
const MAX_RANK = 12;

export interface StridedOperand {
  name: string;
  type: Scalar;
  access: Access;
  storage: GpuStorage;
  /** A strided view; absent: contiguous over the shape from element 0 (the outputs). */
  view?: { readonly strides: readonly number[]; readonly offset: number };
}

/**
 * Runs `stmt` once per element of `shape`. `stmt(ix)` gets, per operand name, the WGSL expression
 * of that operand's element index, and returns the statement(s) to run (using ld_x / st_x).
 * `extra` params (name, type, value) are reachable as P.name.
 */
export function runStrided(
  r: Runner,
  key: string,
  shape: readonly number[],
  operands: readonly StridedOperand[],
  stmt: (ix: Record<string, string>) => string,
  extra: readonly (readonly [string, Scalar, number])[] = [],
): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  const contiguous = (s: readonly number[]) => {
    const out = new Array<number>(s.length);
    for (let i = s.length - 1, acc = 1; i >= 0; i--) { out[i] = acc; acc *= s[i]; }
    return out;
  };
  const base = contiguous(shape);
  const { shape: cs, strides } = collapseDims(shape, operands.map((o) => o.view?.strides ?? base));
  const rank = cs.length;
  if (rank > MAX_RANK) throw new Error(`webgpu ${key}: views of ${rank} non-mergeable dims are not supported (at most ${MAX_RANK})`);
  const strided = operands.map((o, j) => {
    if (!o.view) return false;
    if (strides[j].some((s) => s < 0) || o.view.offset < 0) throw new Error(`webgpu ${key}: negative strides or offsets are not supported`);
    // a view that collapsed to plain contiguous order from 0 needs no index math
    return !(o.view.offset === 0 && strides[j].every((s, d) => s === contiguous(cs)[d]));
  });

  const params: [string, Scalar][] = [['n', 'u32'], ...extra.map(([name, t]) => [name, t] as [string, Scalar])];
  const values: number[] = [n, ...extra.map(([, , v]) => v)];
  for (let d = 1; d < rank; d++) { params.push([`d${d}`, 'u32']); values.push(cs[d]); }
  operands.forEach((o, j) => {
    if (!strided[j]) return;
    params.push([`${o.name}_off`, 'u32']);
    values.push(o.view!.offset);
    for (let d = 0; d < rank; d++) { params.push([`${o.name}_s${d}`, 'u32']); values.push(strides[j][d]); }
  });

  const ix: Record<string, string> = {};
  for (const [j, o] of operands.entries()) ix[o.name] = strided[j] ? `ix_${o.name}` : 'i';
  const fullKey = `${key}|r${rank}|${strided.map((s) => (s ? 's' : 'c')).join('')}`;
  r.run(
    {
      key: fullKey,
      buffers: operands.map(({ name, type, access }) => ({ name, type, access })),
      params,
      workgroup: [ELEMENTWISE_WORKGROUP, 1, 1],
      body: () => {
        const lines = [`  let i = group * ${ELEMENTWISE_WORKGROUP}u + li;`, '  if (i >= P.n) { return; }'];
        if (strided.some(Boolean)) {
          lines.push('  var rem = i;');
          for (let d = rank - 1; d >= 1; d--) lines.push(`  let c${d} = rem % P.d${d};`, `  rem = rem / P.d${d};`);
          lines.push('  let c0 = rem;');
          operands.forEach((o, j) => {
            if (!strided[j]) return;
            const terms = [`P.${o.name}_off`];
            for (let d = 0; d < rank; d++) terms.push(`c${d} * P.${o.name}_s${d}`);
            lines.push(`  let ix_${o.name} = ${terms.join(' + ')};`);
          });
        }
        lines.push(`  ${stmt(ix)}`);
        return lines.join('\n');
      },
    },
    operands.map((o) => o.storage),
    values,
    Math.ceil(n / ELEMENTWISE_WORKGROUP),
  );
}
