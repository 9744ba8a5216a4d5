// Training progress as people expect it: on a terminal, one redrawn line with a bar, the step,
// the loss, tokens/s and the ETA; elsewhere (CI, a pipe, a log file) plain lines now and then.

import { formatCount, formatDuration } from './format.js';

/** Where progress goes: process.stdout, or anything with write (and isTTY/columns when it is a terminal). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Steps in the run (0 or undefined: unknown, no bar and no ETA). */
  total?: number;
  stream?: ProgressStream;
  /** Force the terminal (true) or plain-line (false) style; default: the stream's isTTY. */
  tty?: boolean;
  /** Plain style: print a line every this many steps (default: about 20 lines per run). */
  every?: number;
  /** Step and tokens seen to count from (a resumed run), so tok/s and the ETA cover only this run. */
  startStep?: number;
  startTokens?: number;
  /** Clock in ms (for tests). */
  now?: () => number;
}

export interface StepInfo {
  loss?: number;
  lr?: number;
  tokensSeen?: number;
  epoch?: number;
}

export class ProgressBar {
  private readonly stream: ProgressStream | undefined;
  private readonly tty: boolean;
  private readonly total: number;
  private readonly every: number;
  private readonly now: () => number;
  private readonly startStep: number;
  private readonly startTime: number;
  private readonly startTokens: number;
  private lastLine = '';
  private lastDrawn = 0;

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
    this.tty = opts.tty ?? this.stream?.isTTY === true;
    this.total = opts.total ?? 0;
    this.every = opts.every ?? Math.max(1, Math.round(this.total / 20));
    this.now = opts.now ?? (() => performance.now());
    this.startStep = opts.startStep ?? 0;
    this.startTokens = opts.startTokens ?? 0;
    this.startTime = this.now();
  }

  /** Call after step `step` (1-based count of steps done). */
  update(step: number, info: StepInfo = {}): void {
    const line = this.render(step, info);
    if (this.tty) {
      const t = this.now();
      // redraw at most ~20 times a second, and always on the last step
      if (t - this.lastDrawn < 50 && step !== this.total) return;
      this.lastDrawn = t;
      this.lastLine = line;
      this.stream?.write(`\r\x1b[2K${line}`);
    } else if ((step - this.startStep) % this.every === 0 || step === this.total || step === this.startStep + 1) {
      this.stream?.write(`${line}\n`);
    }
  }

  /** A line of its own (an evaluation, a sample), printed above the bar. */
  log(message: string): void {
    if (this.tty && this.lastLine) this.stream?.write(`\r\x1b[2K${message}\n${this.lastLine}`);
    else this.stream?.write(`${message}\n`);
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.tty && this.lastLine) this.stream?.write('\n');
    this.lastLine = '';
  }

  render(step: number, info: StepInfo): string {
    const elapsed = (this.now() - this.startTime) / 1000;
    const done = step - this.startStep;
    const parts: string[] = [];
    const totalStr = this.total > 0 ? `/${this.total}` : '';
    parts.push(`step ${String(step).padStart(String(this.total || step).length)}${totalStr}`);
    if (info.epoch !== undefined) parts.push(`ep ${info.epoch}`);
    if (info.loss !== undefined) parts.push(`loss ${info.loss.toFixed(3)}`);
    if (info.lr !== undefined) parts.push(`lr ${info.lr.toExponential(2)}`);
    if (info.tokensSeen !== undefined && elapsed > 0) parts.push(`${formatCount((info.tokensSeen - this.startTokens) / elapsed)} tok/s`);
    if (this.total > 0 && done > 0) {
      const eta = (elapsed / done) * (this.total - step);
      parts.push(step >= this.total ? `${formatDuration(elapsed)} total` : `ETA ${formatDuration(eta)}`);
    }
    const text = parts.join(' | ');
    if (!this.tty || this.total <= 0) return text;
    const columns = this.stream?.columns ?? 80;
    const width = Math.max(10, Math.min(30, columns - text.length - 8));
    const filled = Math.round((width * Math.min(step, this.total)) / this.total);
    const pct = `${Math.floor((100 * Math.min(step, this.total)) / this.total)}%`.padStart(4);
    return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${pct} ${text}`;
  }
}
