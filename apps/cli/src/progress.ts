// Where long commands report how they are doing: stderr, never stdout, so that what a command
// prints as its result can be piped or redirected on its own (`llm pretrain ... > summary.txt`).
import type { CliIO } from './io.js';

/** The progress bar's stream and a log that writes its lines above the bar. */
export function progressTo(io: CliIO): { progress: { stream: CliIO['stderr'] }; log: (line: string) => void } {
  const stream = io.stderr;
  // on a terminal, clear the bar's line first (it is redrawn on the next step)
  return { progress: { stream }, log: (line) => void stream.write(stream.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`) };
}
