// Draws one head's (T, T) attention map on a canvas: queries down, keys across; the masked future
// (above the diagonal) is hatched grey so it is not mistaken for zero attention.
import { weightColour } from '../lib/colour.js';

export interface HeatmapOptions {
  /** Pixels per cell. */
  cell: number;
  /** Token labels along both axes (the big view only). */
  labels?: string[];
  labelSpace?: number;
}

export function drawHeatmap(canvas: HTMLCanvasElement, map: Float32Array, T: number, opts: HeatmapOptions): void {
  const { cell, labels, labelSpace = labels ? 80 : 0 } = opts;
  canvas.width = labelSpace + T * cell;
  canvas.height = labelSpace + T * cell;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) {
      if (k > q) ctx.fillStyle = '#e5e7eb';
      else {
        const [r, g, b] = weightColour(map[q * T + k]);
        ctx.fillStyle = `rgb(${r},${g},${b})`;
      }
      ctx.fillRect(labelSpace + k * cell, labelSpace + q * cell, cell, cell);
    }
  }
  if (!labels) return;
  ctx.fillStyle = '#111827';
  ctx.font = `${Math.min(12, cell - 2)}px ui-monospace, monospace`;
  ctx.textBaseline = 'middle';
  labels.forEach((label, i) => {
    const text = label.length > 10 ? `${label.slice(0, 9)}…` : label;
    ctx.textAlign = 'right';
    ctx.fillText(text, labelSpace - 4, labelSpace + (i + 0.5) * cell); // query rows
    ctx.save();
    ctx.translate(labelSpace + (i + 0.5) * cell, labelSpace - 4);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(text, 0, 0); // key columns
    ctx.restore();
  });
}
