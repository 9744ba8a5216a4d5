// Where a command reads and writes. The real process in cli.ts; captured streams in tests, so a
// command can be run as a function and its output checked without spawning a process.

export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  /** Lines of standard input (read lazily: only commands that need it touch it). */
  stdin: () => AsyncIterable<string>;
  /** All of standard input, exactly as it came. */
  stdinText: () => Promise<string>;
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: () => readLines(process.stdin),
    stdinText: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
  };
}

/** Lines of a byte stream, without their line ends; the last line may lack one. */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.decode();
  if (pending) yield pending;
}

/** Standard input as one string, less one final line end (as `echo` adds). */
export async function readAll(io: CliIO): Promise<string> {
  return (await io.stdinText()).replace(/\r?\n$/, '');
}

/** ANSI styling only where a person reads it: a terminal, and NO_COLOR unset. */
export function colours(stream: OutStream, env: CliIO['env']) {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (open: string, close: string) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { enabled: on, dim: wrap('2', '22'), bold: wrap('1', '22'), red: wrap('31', '39'), green: wrap('32', '39'), cyan: wrap('36', '39') };
}
