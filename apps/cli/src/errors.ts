// Errors end a command with one line on stderr and a non-zero exit code, one rule for every command:
// 2 when the command line is wrong (fixing the line fixes it: an unknown command or option, a bad or
// missing value, options that do not go together), 1 when a command that was understood failed (a
// missing or corrupt file, a model that is not there, a network error, anything unexpected).

/** The command line itself is wrong: an unknown option, a missing argument, a bad number. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on, already phrased for them. */
export class CliError extends Error {
  override name = 'CliError';
}

export function exitCodeOf(e: unknown): number {
  return e instanceof UsageError ? 2 : 1;
}

/** One line that says what went wrong, without a stack. */
export function errorLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const sys = e as NodeJS.ErrnoException;
  let message = e.message;
  if (sys.code === 'ENOENT' && sys.path) message = `no such file or folder: ${sys.path}`;
  else if (sys.code === 'EACCES' && sys.path) message = `permission denied: ${sys.path}`;
  else if (sys.code === 'EISDIR' && sys.path) message = `expected a file, found a folder: ${sys.path}`;
  else if (sys.code === 'EADDRINUSE') message = `the address is already in use (${sys.message.replace(/^listen EADDRINUSE: address already in use /, '')}); pick another --port`;
  else if (e instanceof SyntaxError && /JSON/.test(message)) message = `malformed JSON: ${message}`;
  return message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}
