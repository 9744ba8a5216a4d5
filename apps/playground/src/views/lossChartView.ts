// Renders the loss chart geometry into the page's <svg>.
import { type ChartBox, chartGeometry, DEFAULT_BOX } from '../lib/lossChart.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function drawLossChart(target: SVGSVGElement, losses: readonly number[], box: ChartBox = DEFAULT_BOX): void {
  const { width, height, pad } = box;
  const g = chartGeometry(losses, box);
  target.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const parts: SVGElement[] = [svg('rect', { x: 0, y: 0, width, height, fill: '#fff' })];
  for (const t of g.yTicks) {
    parts.push(svg('line', { x1: pad.left, x2: width - pad.right, y1: t.y, y2: t.y, stroke: '#e5e7eb' }));
    parts.push(svg('text', { x: pad.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'tick' }, String(t.value)));
  }
  for (const t of g.xTicks) parts.push(svg('text', { x: t.x, y: height - pad.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(t.value)));
  parts.push(svg('text', { x: width - pad.right, y: height - 4, 'text-anchor': 'end', class: 'axis' }, 'step'));
  parts.push(svg('text', { x: 4, y: pad.top + 4, class: 'axis' }, 'loss'));
  parts.push(svg('path', { d: g.path, fill: 'none', stroke: '#2563eb', 'stroke-width': 2, class: 'loss-line' }));
  target.replaceChildren(...parts);
  target.dataset.points = String(losses.length);
  target.dataset.last = losses.length ? String(losses[losses.length - 1]) : '';
  target.dataset.losses = JSON.stringify(losses);
}
