// The live loss chart: an SVG polyline over steps, y from 0 (or the lowest loss) to the highest,
// with a few labelled gridlines. Plain SVG: no chart library for one line.
export interface ChartBox {
  width: number;
  height: number;
  /** Space for the axis labels: left, right, top, bottom. */
  pad: { left: number; right: number; top: number; bottom: number };
}

export const DEFAULT_BOX: ChartBox = { width: 520, height: 220, pad: { left: 44, right: 12, top: 12, bottom: 28 } };

export interface ChartGeometry {
  /** The SVG path of the losses ('' without points). */
  path: string;
  yTicks: { value: number; y: number }[];
  xTicks: { value: number; x: number }[];
}

/** Nice tick spacing (1, 2 or 5 times a power of ten) for about `count` ticks over span. */
export function tickStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

/** Where each loss (step i + 1 at index i) goes in the box. */
export function chartGeometry(losses: readonly number[], box: ChartBox = DEFAULT_BOX): ChartGeometry {
  const { width, height, pad } = box;
  const plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
  const finite = losses.filter(Number.isFinite);
  const yMax = finite.length ? Math.max(...finite) : 1;
  const yMin = finite.length ? Math.min(0, ...finite) : 0;
  const xMax = Math.max(losses.length, 2);
  const x = (step: number) => pad.left + ((step - 1) / (xMax - 1)) * plotW;
  const y = (v: number) => pad.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH;
  const path = losses
    .map((v, i) => (Number.isFinite(v) ? `${i === 0 ? 'M' : 'L'}${x(i + 1).toFixed(1)},${y(v).toFixed(1)}` : ''))
    .filter(Boolean)
    .join(' ');
  const yStep = tickStep(yMax - yMin, 4);
  const yTicks: ChartGeometry['yTicks'] = [];
  for (let v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-9; v += yStep) yTicks.push({ value: +v.toPrecision(6), y: y(v) });
  const xStep = Math.max(1, tickStep(xMax - 1, 5));
  const xTicks: ChartGeometry['xTicks'] = [];
  for (let s = 1; s <= xMax; s += xStep) xTicks.push({ value: s, x: x(s) });
  return { path, yTicks, xTicks };
}
