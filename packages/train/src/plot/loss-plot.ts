// The book's loss figure, hand-written as SVG: training loss (solid) and validation loss
// (dash-dot) against epochs on the bottom axis, with a second axis on top for tokens seen.
import { formatCount } from '../progress/format.js';
import { niceTicks, tickLabel } from './ticks.js';

export interface LossCurves {
  /** The epoch of each evaluation (the book: linspace(0, numEpochs, n)). */
  epochsSeen: number[];
  tokensSeen: number[];
  trainLosses: number[];
  valLosses: number[];
}

export interface LossPlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

const COLORS = { train: '#1f77b4', val: '#ff7f0e', axis: '#333', grid: '#e5e5e5', text: '#222' };
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Epoch positions for n evaluations spread over numEpochs (torch.linspace(0, numEpochs, n)). */
export function linspace(start: number, end: number, n: number): number[] {
  if (n <= 1) return n === 1 ? [start] : [];
  return Array.from({ length: n }, (_, i) => start + ((end - start) * i) / (n - 1));
}

export function lossPlotSvg(curves: LossCurves, opts: LossPlotOptions = {}): string {
  const { epochsSeen: xs, tokensSeen, trainLosses, valLosses } = curves;
  const n = xs.length;
  for (const [name, arr] of [['tokensSeen', tokensSeen], ['trainLosses', trainLosses], ['valLosses', valLosses]] as const) {
    if (arr.length !== n) throw new Error(`lossPlotSvg: ${name} has ${arr.length} values, epochsSeen ${n}`);
  }
  const W = opts.width ?? 640;
  const H = opts.height ?? 400;
  const m = { left: 64, right: 20, top: opts.title ? 76 : 56, bottom: 52 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;

  const finite = [...trainLosses, ...valLosses].filter(Number.isFinite);
  let yMin = finite.length ? Math.min(...finite) : 0;
  let yMax = finite.length ? Math.max(...finite) : 1;
  if (yMin === yMax) { yMin -= 0.5; yMax += 0.5; }
  const yPad = (yMax - yMin) * 0.05;
  [yMin, yMax] = [yMin - yPad, yMax + yPad];
  let xMin = n ? Math.min(...xs) : 0;
  let xMax = n ? Math.max(...xs) : 1;
  if (xMin === xMax) { xMin -= 0.5; xMax += 0.5; }
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number) => m.top + (1 - (y - yMin) / (yMax - yMin)) * ph;
  const f = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (opts.title) out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" fill="${COLORS.text}">${escapeXml(opts.title)}</text>`);

  // y axis: loss
  for (const t of niceTicks(yMin, yMax, 6)) {
    const y = f(sy(t));
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`);
    out.push(`<line x1="${m.left - 5}" x2="${m.left}" y1="${y}" y2="${y}" stroke="${COLORS.axis}"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" dy="4" text-anchor="end" fill="${COLORS.text}">${tickLabel(t)}</text>`);
  }
  out.push(`<text transform="translate(18 ${f(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" fill="${COLORS.text}">Loss</text>`);

  // bottom x axis: epochs
  for (const t of niceTicks(xMin, xMax, 7)) {
    const x = f(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="${COLORS.axis}"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 18}" text-anchor="middle" fill="${COLORS.text}">${tickLabel(t)}</text>`);
  }
  out.push(`<text x="${f(m.left + pw / 2)}" y="${H - 10}" text-anchor="middle" fill="${COLORS.text}">Epochs</text>`);

  // top x axis: tokens seen, aligned so each evaluation sits at the same x on both axes
  if (n >= 2 && tokensSeen[n - 1] !== tokensSeen[0]) {
    const t0 = tokensSeen[0], t1 = tokensSeen[n - 1];
    const tx = (tok: number) => sx(xs[0] + ((tok - t0) / (t1 - t0)) * (xs[n - 1] - xs[0]));
    const tokMin = t0 + ((xMin - xs[0]) / (xs[n - 1] - xs[0])) * (t1 - t0);
    const tokMax = t0 + ((xMax - xs[0]) / (xs[n - 1] - xs[0])) * (t1 - t0);
    for (const t of niceTicks(tokMin, tokMax, 6)) {
      const x = f(tx(t));
      out.push(`<line x1="${x}" x2="${x}" y1="${m.top - 5}" y2="${m.top}" stroke="${COLORS.axis}"/>`);
      out.push(`<text x="${x}" y="${m.top - 9}" text-anchor="middle" fill="${COLORS.text}">${formatCount(t)}</text>`);
    }
    out.push(`<text x="${f(m.left + pw / 2)}" y="${m.top - 28}" text-anchor="middle" fill="${COLORS.text}">Tokens seen</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.axis}"/>`);

  // the curves, clipped to the plot area
  out.push(`<clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  const path = (ys: number[]) => {
    let d = '';
    let pen = false;
    ys.forEach((y, i) => {
      if (!Number.isFinite(y)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${f(sx(xs[i]))} ${f(sy(y))}`;
      pen = true;
    });
    return d;
  };
  out.push(`<g clip-path="url(#plot-area)" fill="none" stroke-width="1.8" stroke-linejoin="round">`);
  out.push(`<path d="${path(trainLosses)}" stroke="${COLORS.train}"/>`);
  out.push(`<path d="${path(valLosses)}" stroke="${COLORS.val}" stroke-dasharray="8 3 2 3"/>`);
  out.push('</g>');

  // legend, upper right as the book's
  const lx = m.left + pw - 150, ly = m.top + 12;
  out.push(`<rect x="${lx}" y="${ly}" width="140" height="44" fill="white" fill-opacity="0.85" stroke="#ccc" rx="3"/>`);
  out.push(`<line x1="${lx + 10}" x2="${lx + 36}" y1="${ly + 15}" y2="${ly + 15}" stroke="${COLORS.train}" stroke-width="1.8"/>`);
  out.push(`<text x="${lx + 44}" y="${ly + 19}" fill="${COLORS.text}">Training loss</text>`);
  out.push(`<line x1="${lx + 10}" x2="${lx + 36}" y1="${ly + 32}" y2="${ly + 32}" stroke="${COLORS.val}" stroke-width="1.8" stroke-dasharray="8 3 2 3"/>`);
  out.push(`<text x="${lx + 44}" y="${ly + 36}" fill="${COLORS.text}">Validation loss</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
