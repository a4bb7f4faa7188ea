/** Typed errors with messages a user can act on. */

/** A config value is invalid; `field` is the dotted path, e.g. `loss.lambda`. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, readonly issues: ConfigIssue[] = []) {
    super(message);
  }
}

/** One problem found in a config. */
export interface ConfigIssue {
  field: string;
  message: string;
  received?: unknown;
}

/** Data could not be read or is malformed; `path` names the source. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(message: string, readonly path?: string) {
    super(path ? `${path}: ${message}` : message);
  }
}

/** A checkpoint is missing, torn or does not match the run. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(message: string, readonly path?: string) {
    super(path ? `${path}: ${message}` : message);
  }
}

/** Training produced NaN or Inf; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  /**
   * @param step the step whose loss or gradient was not finite
   * @param lastGood the newest checkpoint kept (set once a run has recorded the divergence; null: none was written before it)
   */
  constructor(message: string, readonly step: number, readonly lastGood?: { location: string; step: number } | null) {
    super(message);
  }
}

/** A tensor backend could not be selected or initialized. */
export class BackendError extends Error {
  override name = 'BackendError';
}

/**
 * A file operation on a run directory failed (disk full, read-only, permissions, a folder where a
 * file should be). `path` is the file, `operation` what was being done, `code` the OS error code;
 * the message ends with what the user can do.
 */
export class RunIOError extends Error {
  override name = 'RunIOError';
  constructor(
    readonly path: string,
    readonly operation: string,
    readonly code: string,
    hint: string,
  ) {
    super(`${path}: cannot ${operation} (${code}): ${hint}`);
  }
}

/** Another live process owns the run directory (its lock file names the pid and host). */
export class RunLockError extends Error {
  override name = 'RunLockError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** The sweep queue (Redis) cannot be used: unreachable, a wrong password, a server too old. The message names the address (password masked). */
export class QueueError extends Error {
  override name = 'QueueError';
}
