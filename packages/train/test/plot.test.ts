// The loss plot: both curves and both x axes are drawn where the data says; PNG comes out as a PNG.
import { describe, expect, it } from 'vitest';
import { linspace, lossPlotSvg } from '../src/plot/loss-plot.js';
import { niceTicks } from '../src/plot/ticks.js';
import { svgToPng } from '../src/plot/write.js';

const curves = { epochsSeen: linspace(0, 10, 5), tokensSeen: [0, 2000, 4000, 6000, 8000], trainLosses: [10, 6, 4, 2, 1], valLosses: [10, 7, 6.5, 6.4, 6.6] };

describe('lossPlotSvg', () => {
  it('draws training and validation curves against epochs, with tokens seen on a second axis', () => {
    const svg = lossPlotSvg(curves);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['Epochs', 'Tokens seen', 'Loss', 'Training loss', 'Validation loss', '>2k<', '>8k<', '>10<']) expect(svg).toContain(label);
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    // five points each; the first train point (epoch 0) sits at the left edge of the plot area (x = 64)
    expect(paths[0].split(/[ML]/).filter(Boolean)).toHaveLength(5);
    expect(paths[0].startsWith('M64.0 ')).toBe(true);
  });

  it('breaks the line at NaN (an empty loader) instead of failing', () => {
    const svg = lossPlotSvg({ ...curves, valLosses: [NaN, 7, NaN, 6.4, 6.6] });
    const val = [...svg.matchAll(/<path d="([^"]+)"/g)][1][1];
    expect(val.match(/M/g)).toHaveLength(2);
  });

  it('names mismatched lengths', () => {
    expect(() => lossPlotSvg({ ...curves, valLosses: [1] })).toThrow(/valLosses has 1 values, epochsSeen 5/);
  });
});

describe('niceTicks', () => {
  it('picks 1/2/2.5/5 steps', () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.8, 10.3, 6)).toEqual([2, 4, 6, 8, 10]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('svgToPng', () => {
  it('rasterises to a PNG of the SVG size times the scale', async () => {
    const png = await svgToPng(lossPlotSvg(curves, { width: 300, height: 200 }), { scale: 1 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([300, 200]);
  });
});
