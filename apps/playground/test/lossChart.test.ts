// The loss chart's geometry: points placed by hand-computed coordinates, ticks at round numbers.
import { describe, expect, it } from 'vitest';
import { chartGeometry, tickStep } from '../src/lib/lossChart.js';

const box = { width: 110, height: 60, pad: { left: 10, right: 0, top: 0, bottom: 10 } }; // plot 100 x 50

describe('chartGeometry', () => {
  it('maps step 1..n to the plot width and 0..max loss to its height', () => {
    const g = chartGeometry([10, 5, 0], box);
    expect(g.path).toBe('M10.0,0.0 L60.0,25.0 L110.0,50.0');
  });

  it('draws nothing without losses, and skips non-finite ones', () => {
    expect(chartGeometry([], box).path).toBe('');
    expect(chartGeometry([4, NaN, 2], box).path).toBe('M10.0,0.0 L110.0,25.0');
  });

  it('puts y ticks at round values within the range', () => {
    const g = chartGeometry([10.8, 7.3, 6.1], box);
    expect(g.yTicks.map((t) => t.value)).toEqual([0, 5, 10]);
    expect(g.yTicks[0].y).toBeCloseTo(50, 6);
  });
});

describe('tickStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(tickStep(10.8, 4)).toBe(5);
    expect(tickStep(0.9, 4)).toBe(0.5);
    expect(tickStep(73, 5)).toBe(20);
    expect(tickStep(0, 4)).toBe(1);
  });
});
