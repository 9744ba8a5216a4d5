// Download progress: a tracker that turns byte counts into speed and ETA, and the default display
// (a redrawn bar on a terminal, a plain line every 10% elsewhere). Browser-safe; the display only
// needs something with write().

export interface DownloadProgress {
  /** File name ("model.safetensors") and the URL it comes from. */
  file: string;
  url: string;
  /** Bytes on disk so far, including a resumed part. */
  bytesDone: number;
  /** Size of the whole file, when the server says. */
  bytesTotal: number | undefined;
  /** Bytes that were already on disk when this request began. */
  resumedFrom: number;
  /** Average over this request. */
  bytesPerSecond: number;
  etaSeconds: number | undefined;
  /** True once, on the last report for this file. */
  done: boolean;
}

export type ProgressCallback = (p: DownloadProgress) => void;

/** Calls `emit` at most every `intervalMs` while bytes arrive, and always for the first and last report. */
export class ProgressTracker {
  private startTime = 0;
  private lastEmit = -Infinity;
  private resumedFrom = 0;
  private total: number | undefined;

  constructor(
    private readonly file: string,
    private readonly url: string,
    private readonly emit: ProgressCallback,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 100,
  ) {}

  start(resumedFrom: number, total: number | undefined): void {
    this.startTime = this.now();
    this.lastEmit = -Infinity;
    this.resumedFrom = resumedFrom;
    this.total = total;
    this.report(resumedFrom, false);
  }

  update(bytesDone: number): void {
    if (this.now() - this.lastEmit >= this.intervalMs) this.report(bytesDone, false);
  }

  finish(bytesDone: number): void {
    this.report(bytesDone, true);
  }

  private report(bytesDone: number, done: boolean): void {
    const t = this.now();
    this.lastEmit = t;
    const seconds = (t - this.startTime) / 1000;
    const bytesPerSecond = seconds > 0 ? (bytesDone - this.resumedFrom) / seconds : 0;
    const remaining = this.total === undefined ? undefined : Math.max(0, this.total - bytesDone);
    const etaSeconds = remaining === undefined ? undefined : remaining === 0 ? 0 : bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined;
    this.emit({ file: this.file, url: this.url, bytesDone, bytesTotal: this.total, resumedFrom: this.resumedFrom, bytesPerSecond, etaSeconds, done });
  }
}

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** The default display, on stderr unless told otherwise. */
export function terminalProgress(stream?: ProgressStream, tty?: boolean): ProgressCallback {
  const out = stream ?? (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
  const redraw = tty ?? out?.isTTY === true;
  let lastDecile = -1;
  return (p) => {
    if (!out) return;
    if (redraw) {
      out.write(`\r\x1b[K${progressLine(p, true)}${p.done ? '\n' : ''}`);
      return;
    }
    const decile = p.bytesTotal ? Math.floor((10 * p.bytesDone) / p.bytesTotal) : 0;
    if (p.done || decile > lastDecile) {
      lastDecile = p.done ? -1 : decile;
      out.write(`${progressLine(p, false)}\n`);
    }
  };
}

/** "model.safetensors  42% [########------------] 230.1 MB / 548.1 MB  12.3 MB/s  ETA 0:26" */
export function progressLine(p: DownloadProgress, bar: boolean): string {
  const parts = [p.file];
  if (p.bytesTotal) {
    const fraction = Math.min(1, p.bytesDone / p.bytesTotal);
    const width = 24;
    const filled = Math.round(fraction * width);
    parts.push(`${String(Math.floor(fraction * 100)).padStart(3)}%`);
    if (bar) parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
    parts.push(`${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`);
  } else {
    parts.push(formatBytes(p.bytesDone));
  }
  parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
  parts.push(p.done ? 'done' : `ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join('  ');
}

/** 950 → "950 B", 548_105_171 → "548.1 MB" (decimal units, as the Hub shows sizes). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '? B';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** 75 → "1:15", 3725 → "1:02:05", unknown → "--:--". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
