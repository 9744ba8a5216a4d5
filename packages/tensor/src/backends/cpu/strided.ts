// Walking several same-shaped strided views at once, a contiguous row at a time.
// Adjacent dims that are laid out contiguously in every operand are merged first, so the
// common cases (contiguous, bias broadcast over the last dim) become one or two long rows.

/** Merge dims i and i+1 where every operand has strides[i] == strides[i+1] * shape[i+1]. */
export function collapseDims(shape: readonly number[], stridesList: (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue; // size-1 dims carry no stride information
    const last = outShape.length - 1;
    const mergeable = last >= 0 && stridesList.every((s, j) => outStrides[j][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      stridesList.forEach((s, j) => (outStrides[j][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      stridesList.forEach((s, j) => outStrides[j].push(s[d]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(1));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, n, innerStrides)` once per row of the last (collapsed) dim, where
 * offsets[j] is operand j's element offset of the row's first element.
 */
export function forEachRow(
  shape: readonly number[],
  stridesList: (readonly number[])[],
  baseOffsets: readonly number[],
  row: (offsets: number[], n: number, inner: number[]) => void,
): void {
  const { shape: s, strides } = collapseDims(shape, stridesList);
  const nd = s.length;
  const n = s[nd - 1];
  const inner = strides.map((st) => st[nd - 1]);
  const offsets = [...baseOffsets];
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= s[d];
  if (rows === 0 || n === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, n, inner);
    // odometer increment over the outer dims
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < offsets.length; j++) offsets[j] += strides[j][d];
      if (idx[d] < s[d]) break;
      for (let j = 0; j < offsets.length; j++) offsets[j] -= strides[j][d] * s[d];
      idx[d] = 0;
    }
  }
}
