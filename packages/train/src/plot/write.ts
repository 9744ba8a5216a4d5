// Writing the loss figure: SVG always works; PNG is rasterised from the same SVG by resvg
// (@resvg/resvg-js, prebuilt binaries from npm), loaded only when a PNG is asked for.
import { writeFileAtomic } from '../fs.js';
import { type LossCurves, type LossPlotOptions, lossPlotSvg } from './loss-plot.js';

export interface RasterOptions {
  /** Pixels per SVG unit (default 2, for a sharp image). */
  scale?: number;
}

/** An SVG document rendered to PNG bytes. */
export async function svgToPng(svg: string, opts: RasterOptions = {}): Promise<Uint8Array> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch (e) {
    throw new Error(`svgToPng: PNG output needs the optional package @resvg/resvg-js ("npm install @resvg/resvg-js@2.6.2"), with a prebuilt binary for ${process.platform}-${process.arch} (${(e as Error).message}); or write .svg instead`);
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Writes the loss plot; the format follows the extension (.svg or .png). Returns the path. */
export async function writeLossPlot(path: string, curves: LossCurves, opts: LossPlotOptions & RasterOptions = {}): Promise<string> {
  const svg = lossPlotSvg(curves, opts);
  if (path.toLowerCase().endsWith('.svg')) await writeFileAtomic(path, svg);
  else if (path.toLowerCase().endsWith('.png')) await writeFileAtomic(path, await svgToPng(svg, opts));
  else throw new Error(`writeLossPlot: ${path} should end in .svg or .png`);
  return path;
}
