// Metrics as JSON lines (metrics.jsonl): one object per step, evaluation or epoch, appended as
// they happen, so a crashed run keeps what it logged and any tool can read it line by line.
import { nodeFs, writeFileAtomic } from './fs.js';

export type MetricRecord = { type: 'step' | 'eval' | 'epoch' | 'sample' | string; step: number } & Record<string, unknown>;

export class MetricsLog {
  private pending: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends one record (with a wall-clock time); writes are serialised in call order. */
  append(record: MetricRecord): Promise<void> {
    const line = `${JSON.stringify({ ...record, time: new Date().toISOString() })}\n`;
    const write = this.pending.then(async () => {
      const fs = await nodeFs();
      const { dirname } = await import('node:path');
      await fs.mkdir(dirname(this.path), { recursive: true });
      await fs.appendFile(this.path, line);
    });
    this.pending = write.catch(() => undefined); // one failed write does not block the next
    return write;
  }

  /**
   * Drops the records after `step` (and a line cut off by a crash), for a run resumed from a
   * checkpoint of that step: what it logs next replaces them, so no step appears twice.
   */
  async truncateAfter(step: number): Promise<number> {
    await this.pending;
    const fs = await nodeFs();
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw new Error(`MetricsLog: cannot read ${this.path}: ${(e as Error).message}`);
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const kept = lines.filter((l) => {
      try {
        return (JSON.parse(l) as MetricRecord).step <= step;
      } catch {
        return false;
      }
    });
    if (kept.length !== lines.length) await writeFileAtomic(this.path, kept.map((l) => `${l}\n`).join(''));
    return lines.length - kept.length;
  }

  /** Resolves when every append so far is on disk. */
  flush(): Promise<void> {
    return this.pending;
  }
}

/** Reads a metrics.jsonl file back into records. */
export async function readMetrics(path: string): Promise<MetricRecord[]> {
  const text = await (await nodeFs()).readFile(path, 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return JSON.parse(l) as MetricRecord;
    } catch {
      throw new Error(`readMetrics: ${path} line ${i + 1} is not JSON: ${l.slice(0, 80)}`);
    }
  });
}
