// The progress bar's two styles and its formatting, on a fake stream and a fake clock.
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/progress/bar.js';
import { formatCount, formatDuration } from '../src/progress/format.js';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { write: (s: string) => { out.push(s); return true; }, isTTY, columns: 100 } };
}

describe('ProgressBar', () => {
  it('plain style prints whole lines every `every` steps with loss, tokens/s and ETA', () => {
    let t = 0;
    const { out, stream } = fakeStream(false);
    const bar = new ProgressBar({ total: 10, stream, every: 5, now: () => t });
    for (let s = 1; s <= 10; s++) { t += 2000; bar.update(s, { loss: 5 - s * 0.1, tokensSeen: s * 512 }); }
    expect(out).toEqual([
      'step  1/10 | loss 4.900 | 256 tok/s | ETA 0:18\n',
      'step  5/10 | loss 4.500 | 256 tok/s | ETA 0:10\n',
      'step 10/10 | loss 4.000 | 256 tok/s | 0:20 total\n',
    ]);
  });

  it('TTY style redraws one line with a bar, and prints log lines above it', () => {
    let t = 0;
    const { out, stream } = fakeStream(true);
    const bar = new ProgressBar({ total: 4, stream, now: () => t });
    t = 1000; bar.update(2, { loss: 3 });
    bar.log('Ep 1 (Step 000001): Train loss 3.000, Val loss 3.500');
    t = 2000; bar.update(4, { loss: 2 });
    bar.done();
    expect(out[0].startsWith('\r\x1b[2K')).toBe(true);
    expect(out[0]).toContain(' 50% step 2/4 | loss 3.000 | ETA 0:01');
    expect(out[1]).toMatch(/^\r\x1b\[2KEp 1 \(Step 000001\).*\n.*step 2\/4/);
    expect(out[2]).toContain('100% step 4/4 | loss 2.000 | 0:02 total');
    expect(out[3]).toBe('\n');
  });
});

describe('formatting', () => {
  it('durations and counts', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('--:--');
    expect(formatCount(950)).toBe('950');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatCount(1_500)).toBe('1.5k');
    expect(formatCount(4_200_000)).toBe('4.2M');
  });
});
