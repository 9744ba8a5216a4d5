// The live loss chart: an SVG polyline over steps, y from 0 (or the lowest loss) to the highest,
// with a few labelled gridlines. Plain SVG: no chart library for one line.
export interface ChartBox {
  width: number;
  height: number;
  /** Space for the axis labels: left, right, top, bottom. */
  pad: { left: number; right: number; top: number; bottom: number };
}

export const DEFAULT_BOX: ChartBox = { width: 520, height: 220, pad: { left: 44, right: 12, top: 12, bottom: 28 } };

/** A curve's points: [step, loss]. */
export type Curve = readonly (readonly [number, number])[];

export interface ChartGeometry {
  /** One SVG path per curve ('' without points). */
  paths: string[];
  /** The first curve's path. */
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
  return curvesGeometry([losses.map((v, i) => [i + 1, v] as const)], box);
}

/** Several curves on shared axes: steps 1..the last step (or `xMax`) across, 0 (or the lowest loss) to the highest up. */
export function curvesGeometry(curves: readonly Curve[], box: ChartBox = DEFAULT_BOX, xMaxAtLeast = 2): ChartGeometry {
  const { width, height, pad } = box;
  const plotW = width - pad.left - pad.right, plotH = height - pad.top - pad.bottom;
  const finite = curves.flatMap((c) => c.map((p) => p[1]).filter(Number.isFinite));
  const yMax = finite.length ? Math.max(...finite) : 1;
  const yMin = finite.length ? Math.min(0, ...finite) : 0;
  const xMax = Math.max(xMaxAtLeast, ...curves.flatMap((c) => c.map((p) => p[0])));
  const x = (step: number) => pad.left + ((step - 1) / (xMax - 1)) * plotW;
  const y = (v: number) => pad.top + (1 - (v - yMin) / (yMax - yMin || 1)) * plotH;
  const paths = curves.map((c) => {
    let move = true;
    return c.map(([step, v]) => {
      if (!Number.isFinite(v)) return '';
      const seg = `${move ? 'M' : 'L'}${x(Math.max(1, step)).toFixed(1)},${y(v).toFixed(1)}`;
      move = false;
      return seg;
    }).filter(Boolean).join(' ');
  });
  const yStep = tickStep(yMax - yMin, 4);
  const yTicks: ChartGeometry['yTicks'] = [];
  for (let v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-9; v += yStep) yTicks.push({ value: +v.toPrecision(6), y: y(v) });
  const xStep = Math.max(1, tickStep(xMax - 1, 5));
  const xTicks: ChartGeometry['xTicks'] = [];
  for (let s = 1; s <= xMax; s += xStep) xTicks.push({ value: s, x: x(s) });
  return { paths, path: paths[0] ?? '', yTicks, xTicks };
}
