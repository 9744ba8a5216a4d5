// Renders the loss curves into the page's <svg>: the loss of every training step (thin, blue) and
// the validation loss at each evaluation (red), over the run's steps.
import { type ChartBox, type Curve, curvesGeometry, DEFAULT_BOX } from '../lib/lossChart.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export interface LossCurves {
  train: Curve;
  val: Curve;
  /** The run's last step: the x axis spans the whole run from the start. */
  totalSteps: number;
}

export function drawLossChart(target: SVGSVGElement, curves: LossCurves, box: ChartBox = DEFAULT_BOX): void {
  const { width, height, pad } = box;
  const g = curvesGeometry([curves.train, curves.val], box, curves.totalSteps);
  target.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const parts: SVGElement[] = [svg('rect', { x: 0, y: 0, width, height, fill: '#fff' })];
  for (const t of g.yTicks) {
    parts.push(svg('line', { x1: pad.left, x2: width - pad.right, y1: t.y, y2: t.y, stroke: '#e5e7eb' }));
    parts.push(svg('text', { x: pad.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'tick' }, String(t.value)));
  }
  for (const t of g.xTicks) parts.push(svg('text', { x: t.x, y: height - pad.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(t.value)));
  parts.push(svg('text', { x: width - pad.right, y: height - 4, 'text-anchor': 'end', class: 'axis' }, 'step'));
  parts.push(svg('text', { x: 4, y: pad.top + 4, class: 'axis' }, 'loss'));
  parts.push(svg('text', { x: width - pad.right - 4, y: pad.top + 12, 'text-anchor': 'end', class: 'legend', fill: '#2563eb' }, 'train (each step)'));
  parts.push(svg('text', { x: width - pad.right - 4, y: pad.top + 26, 'text-anchor': 'end', class: 'legend', fill: '#dc2626' }, 'validation'));
  parts.push(svg('path', { d: g.paths[0], fill: 'none', stroke: '#2563eb', 'stroke-width': 1, opacity: 0.7, class: 'loss-line' }));
  parts.push(svg('path', { d: g.paths[1], fill: 'none', stroke: '#dc2626', 'stroke-width': 2.5, class: 'val-line' }));
  target.replaceChildren(...parts);
  target.dataset.points = String(curves.train.length);
  target.dataset.val = JSON.stringify(curves.val);
  target.dataset.losses = JSON.stringify(curves.train.map((p) => p[1]));
}
