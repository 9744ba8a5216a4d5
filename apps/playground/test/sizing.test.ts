// Model sizing: the largest preset whose projected run time fits, smallest first, stopping at the first
// too slow (so a slow backend pays for one probe); measureStep times real training steps.
import { describe, expect, it } from 'vitest';
import { measureStep, pickPreset } from '../src/lib/sizing.js';

describe('pickPreset', () => {
  it('keeps the largest preset that fits the budget and probes no further than the first that does not', async () => {
    const probed: string[] = [];
    const fake = (times: Record<string, number>) => async (p: string) => { probed.push(p); return times[p]; };
    expect(await pickPreset(fake({ tiny: 0.05, small: 0.1 }), 400, 60)).toEqual({ preset: 'small', secondsPerStep: { tiny: 0.05, small: 0.1 } });
    expect((await pickPreset(fake({ tiny: 0.05, small: 0.5 }), 400, 60)).preset).toBe('tiny');
    probed.length = 0;
    expect(await pickPreset(fake({ tiny: 6, small: 60 }), 400, 60)).toEqual({ preset: 'tiny', secondsPerStep: { tiny: 6 } }); // too slow even for tiny: tiny, small never built
    expect(probed).toEqual(['tiny']);
  });

  it('measures a training step in seconds', async () => {
    const s = await measureStep('tiny', 300, 2, 1);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(30);
  });
});
