import { BackendError, CheckpointError, ConfigError, DataError, DivergenceError, QueueError, RunIOError, RunLockError } from '../errors.ts';

/** Exit codes: 2 for input the user can fix, 3 for a diverged run, 1 for anything unexpected. */
export function exitWithError(err: unknown): never {
  if (
    err instanceof ConfigError || err instanceof DataError || err instanceof CheckpointError || err instanceof BackendError ||
    err instanceof RunIOError ||
    err instanceof RunLockError ||
    err instanceof QueueError
  ) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof DivergenceError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(3);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
