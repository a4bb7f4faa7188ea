/** The signals a command stops cleanly on, with the exit code a shell expects for each (128 + number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** A stop signal a command received. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * A Ctrl-C / SIGTERM handler: the first signal asks the command to stop cleanly (save a
 * checkpoint), a second one quits at once with 130 (SIGINT) or 143 (SIGTERM).
 */
export interface Interrupt {
  /** Whether a stop signal arrived. */
  readonly requested: () => boolean;
  /** The first signal that arrived, if any. */
  readonly signal: () => StopSignal | undefined;
  /** The exit code for the signal that arrived (130 or 143), if any. */
  readonly exitCode: () => number | undefined;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Installs SIGINT and SIGTERM handlers that print `message` on the first signal and exit at once
 * on the second. SIGTERM (what `kill`, systemd and container runtimes send) is treated like Ctrl-C
 * so a stopped service still leaves a checkpoint. `onStop` runs on the first signal.
 */
export function onInterrupt(message: string, onStop?: (signal: StopSignal) => void): Interrupt {
  let received: StopSignal | undefined;
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((sig) => {
    const handler = () => {
      if (received !== undefined) return process.exit(STOP_SIGNALS[sig]);
      received = sig;
      process.stderr.write(`\n${sig === 'SIGTERM' ? 'SIGTERM: ' : ''}${message}\n`);
      onStop?.(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    requested: () => received !== undefined,
    signal: () => received,
    exitCode: () => (received === undefined ? undefined : STOP_SIGNALS[received]),
    dispose: () => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
    },
  };
}
