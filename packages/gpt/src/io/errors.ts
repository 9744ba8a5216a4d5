// Error types of the weight-file and download code. Each message names what was wrong (the file,
// the tensor key, the URL) so a user can act on it without reading a stack trace.

/** A safetensors file or buffer that cannot be read or written; `source` is the file path (or "<buffer>"). */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  constructor(
    readonly source: string,
    message: string,
    readonly key?: string,
  ) {
    super(`${source}: ${key === undefined ? '' : `tensor "${key}": `}${message}`);
  }
}

/** What went wrong in a download, for callers that want to react (retry, tell the user to go offline...). */
export type DownloadErrorKind = 'network' | 'http' | 'size' | 'checksum' | 'file';

export class DownloadError extends Error {
  override name = 'DownloadError';
  /** Whether trying again (resuming what is on disk) may succeed. */
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    readonly url: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** A pretrained model name we do not know; the message lists the names we do know. */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  constructor(
    readonly modelName: string,
    readonly validNames: readonly string[],
  ) {
    super(`unknown pretrained model "${modelName}"; valid names: ${validNames.join(', ')}`);
  }
}

/** A Hugging Face config.json (or a GPT config) with a missing or invalid field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    /** The message without the field prefix. */
    readonly detail: string,
  ) {
    super(`config field "${field}": ${detail}`);
  }
}
