/** A Ctrl-C handler: the first asks the command to stop cleanly, the second quits at once (exit 130). */
export interface Interrupt {
  /** Whether Ctrl-C was pressed once. */
  readonly requested: () => boolean;
  /** Removes the handler. */
  dispose(): void;
}

/** Installs a SIGINT handler that prints `message` on the first Ctrl-C and exits 130 on the second. */
export function onInterrupt(message: string): Interrupt {
  let requested = false;
  const handler = () => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write(`\n${message}\n`);
  };
  process.on('SIGINT', handler);
  return { requested: () => requested, dispose: () => process.off('SIGINT', handler) };
}
