// Download progress: speed and ETA from byte counts on a fake clock, and the default display.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, progressLine, ProgressTracker, terminalProgress, type DownloadProgress } from '../src/index.js';

function tracked(intervalMs = 100) {
  let t = 0;
  const seen: DownloadProgress[] = [];
  const tracker = new ProgressTracker('model.safetensors', 'http://x/model.safetensors', (p) => seen.push(p), () => t, intervalMs);
  return { tracker, seen, at: (ms: number) => (t = ms) };
}

describe('ProgressTracker', () => {
  it('reports speed over this request and the time left, counting a resumed part as done', () => {
    const { tracker, seen, at } = tracked();
    tracker.start(100, 1100);
    at(1000);
    tracker.update(600); // 500 bytes in 1 s, 500 to go
    at(2000);
    tracker.finish(1100);
    expect(seen).toEqual([
      expect.objectContaining({ bytesDone: 100, bytesTotal: 1100, resumedFrom: 100, bytesPerSecond: 0, etaSeconds: undefined, done: false }),
      expect.objectContaining({ bytesDone: 600, bytesPerSecond: 500, etaSeconds: 1, done: false }),
      expect.objectContaining({ bytesDone: 1100, bytesPerSecond: 500, etaSeconds: 0, done: true }),
    ]);
  });

  it('reports at most once per interval while bytes arrive', () => {
    const { tracker, seen, at } = tracked(100);
    tracker.start(0, undefined);
    for (let ms = 10; ms <= 250; ms += 10) {
      at(ms);
      tracker.update(ms);
    }
    expect(seen.map((p) => p.bytesDone)).toEqual([0, 100, 200]);
    expect(seen[1].etaSeconds).toBeUndefined();
  });
});

describe('display', () => {
  const p = (bytesDone: number, done = false): DownloadProgress => ({
    file: 'model.safetensors',
    url: 'u',
    bytesDone,
    bytesTotal: 548_105_171,
    resumedFrom: 0,
    bytesPerSecond: 12_300_000,
    etaSeconds: 26.4,
    done,
  });

  it('formats a line with percent, bar, sizes, speed and ETA', () => {
    expect(progressLine(p(230_100_000), true)).toBe(
      'model.safetensors   41%  [##########--------------]  230.1 MB / 548.1 MB  12.3 MB/s  ETA 0:26',
    );
    expect(progressLine({ ...p(5_000), bytesTotal: undefined, etaSeconds: undefined }, false)).toBe('model.safetensors  5.0 kB  12.3 MB/s  ETA --:--');
  });

  it('redraws one line on a terminal and prints a line per 10% elsewhere', () => {
    const tty: string[] = [];
    const onTty = terminalProgress({ write: (s) => tty.push(s), isTTY: true });
    onTty(p(0));
    onTty(p(548_105_171, true));
    expect(tty[0].startsWith('\r\x1b[K')).toBe(true);
    expect(tty[1].endsWith('done\n')).toBe(true);

    const log: string[] = [];
    const plain = terminalProgress({ write: (s) => log.push(s) });
    for (let i = 0; i <= 100; i++) plain(p(Math.floor((548_105_171 * i) / 100), i === 100));
    expect(log).toHaveLength(11);
    expect(log.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });

  it('formats sizes and durations', () => {
    expect([950, 1500, 548_105_171, 6_431_000_000].map(formatBytes)).toEqual(['950 B', '1.5 kB', '548.1 MB', '6.4 GB']);
    expect([75, 3725, undefined, Infinity].map(formatDuration)).toEqual(['1:15', '1:02:05', '--:--', '--:--']);
  });
});
