import type { Stabilizer } from '../../src/stabilizers/index.ts';
import { createSession, ganStep, type GanSession, type StepRecord } from '../../src/train/index.ts';

/**
 * Runs `n` GAN steps, yielding to the event loop every few steps. Vitest's worker answers its
 * runner over RPC with a fixed 60 s timeout; a test file that computes for a minute without
 * yielding fails the run even when every test passes.
 */
export async function runSteps(session: GanSession, n: number): Promise<StepRecord | undefined> {
  let last: StepRecord | undefined;
  for (let i = 0; i < n; i++) {
    last = ganStep(session);
    if (i % 20 === 19) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return last;
}

/** The same session made again with other stabilizers (their hooks and terms), as `createSession` gathers them. */
export function withStabilizers(session: GanSession, stabilizers: readonly Stabilizer[], seed = 0): GanSession {
  const { data, G, D, objective, optimizers, noise, batchSize, dStepsPerG, game, lrSchedule } = session;
  return createSession({ data, G, D, objective, optimizers, noise, batchSize, dStepsPerG, game, lrSchedule, seed, stabilizers });
}
