// Errors end a command with one line on stderr and a non-zero exit code: 2 for a mistake on the
// command line, 1 for anything else (a missing or corrupt file, an unknown model, ...).

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
