import { ganStep } from './gan-step.ts';
import type { StepRecord } from './records.ts';
import type { GanSession } from './session.ts';

/** Hooks the loop calls; the loop itself knows nothing of files, terminals or browsers. */
export interface TrainHooks {
  /** Every step's record (metrics file, progress bar, live stream). */
  onRecord?(record: StepRecord): void;
  /** Measures the session as it is now (every `evalEvery` steps and at the end). */
  onEval?(session: GanSession): Promise<void> | void;
  /** Saves a checkpoint of the session as it is now. */
  onCheckpoint?(session: GanSession): Promise<void> | void;
  /** Polled between steps; true stops the loop after a checkpoint (Ctrl-C). */
  shouldStop?(): boolean;
}

/** How far to train and how often to checkpoint. */
export interface TrainOptions {
  /** Train until `session.step` reaches this. */
  until: number;
  /** Checkpoint every this many steps (and always at the end or on stop). */
  checkpointEvery: number;
  /** Evaluate every this many steps and at the end; 0 never. */
  evalEvery?: number;
  /** Yield to the event loop at least this often (ms), so signals and UIs are served. */
  yieldEveryMs?: number;
}

/** How a loop ended. */
export interface TrainOutcome {
  status: 'done' | 'stopped';
  last?: StepRecord;
  /** Steps this call ran. */
  stepsRun: number;
  wallSeconds: number;
}

/**
 * The training loop: steps, reports each record, checkpoints on cadence. Everything a GAN does
 * in a step lives in {@link ganStep} and the session's parts, not here. A divergence propagates
 * as {@link DivergenceError} without writing a checkpoint, so the last good one stays on disk.
 */
export async function trainLoop(session: GanSession, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const { until, checkpointEvery, evalEvery = 0, yieldEveryMs = 100 } = options;
  const t0 = performance.now();
  const startStep = session.step;
  let last: StepRecord | undefined;
  let lastYield = t0;
  let lastCheckpoint = session.step;
  let lastEval = session.step;
  const evaluate = async () => {
    if (evalEvery > 0 && lastEval !== session.step) await hooks.onEval?.(session);
    lastEval = session.step;
  };
  while (session.step < until) {
    last = ganStep(session);
    hooks.onRecord?.(last);
    // Evaluate before checkpointing, so a run resumed from this checkpoint does not repeat it.
    if (evalEvery > 0 && session.step % evalEvery === 0) await evaluate();
    if (session.step % checkpointEvery === 0) {
      await hooks.onCheckpoint?.(session);
      lastCheckpoint = session.step;
    }
    const now = performance.now();
    if (now - lastYield >= yieldEveryMs) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    if (hooks.shouldStop?.()) {
      // No extra evaluation here: a stopped-and-resumed run keeps exactly the records of one that never stopped.
      if (lastCheckpoint !== session.step) await hooks.onCheckpoint?.(session);
      return { status: 'stopped', last, stepsRun: session.step - startStep, wallSeconds: (performance.now() - t0) / 1000 };
    }
  }
  await evaluate();
  if (lastCheckpoint !== session.step) await hooks.onCheckpoint?.(session);
  return { status: 'done', last, stepsRun: session.step - startStep, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Lets pending events (signals, UI messages) run; setImmediate in Node, a macrotask in browsers. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
