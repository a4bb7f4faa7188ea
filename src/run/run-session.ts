import { parseOrThrow, runConfigSchemaFor, type RunConfig } from '../config/index.ts';
import { toyDatasets, type DatasetRegistry } from '../data/index.ts';
import { ConfigError, DivergenceError } from '../errors.ts';
import {
  disposeSession,
  encodeCheckpoint,
  evaluate,
  ganStep,
  restoreCheckpoint,
  type EvalRecord,
  type GanSession,
  type SampleSnapshot,
  type StepRecord,
} from '../train/index.ts';
import { actsOn, findingRecord, LiveDoctor, type Finding, type LiveDoctorOptions } from '../doctor/index.ts';
import type { FindingRecord, InterventionRecord } from '../train/index.ts';
import { intervene, AUTOPILOT_MAX_INTERVENTIONS, type AutopilotOptions } from './autopilot.ts';
import { sessionFromConfig } from './session-from-config.ts';
import type { RunStore } from './store.ts';

/** The cadence of a run: how far, and how often to evaluate and checkpoint. */
export interface RunPlan {
  /** Train until `session.step` reaches this. */
  until: number;
  /** Checkpoint every this many steps, and at the end and on a stop; 0 never (runs that only measure, such as scenarios and benchmarks). */
  checkpointEvery: number;
  /** How many of the newest checkpoints the store keeps. */
  keepCheckpoints: number;
  /**
   * Evaluation every `every` steps and at the end (0: never), on `samples` points from the fixed
   * `seed`; `snapshots` saves them for plots, with `snapshotPoints` points and D's surface at
   * `surfaceResolution` (the evaluator's defaults when absent).
   */
  eval: { every: number; samples: number; seed: number; snapshots: boolean; health?: boolean; snapshotPoints?: number; surfaceResolution?: number };
  /** Yield to the event loop at least this often (ms), so signals and UIs are served (default 100). */
  yieldEveryMs?: number;
  /**
   * A run without a checkpoint yet takes its first one early, so a crash loses little: at its
   * first evaluation or after this many ms of training, whichever comes first (default 30,000);
   * then on `checkpointEvery`'s cadence.
   */
  firstCheckpointMs?: number;
  /** Diagnose while training (`train --doctor`): every finding the live doctor confirms is appended as a `finding` record. */
  doctor?: { config: RunConfig; options?: LiveDoctorOptions };
}

/** The plan a config describes. */
export function runPlan(config: RunConfig, until = config.steps): RunPlan {
  return {
    until,
    checkpointEvery: config.checkpointEvery,
    keepCheckpoints: config.keepCheckpoints,
    eval: { every: config.eval.every, samples: config.eval.samples, seed: config.seed, snapshots: config.eval.snapshots, health: config.eval.health },
  };
}

/** Who listens to a run as it goes: a progress bar, a live stream, a worker's messages. */
export interface RunSinks {
  /** Each step's record; a returned promise is awaited before the next step (a page's frame, a scenario's progress). */
  onRecord?(record: StepRecord): void | Promise<void>;
  onEval?(record: EvalRecord, snapshot: SampleSnapshot): void;
  /** A checkpoint was saved at `location`. */
  onCheckpoint?(location: string): void;
  /** Polled between steps; true stops the run after a checkpoint (Ctrl-C, a page's pause). */
  shouldStop?(): boolean;
  /** A finding the live doctor confirmed (already appended); true stops the run at once, without a checkpoint of the troubled state (the autopilot). */
  onFinding?(record: FindingRecord, finding: Finding): boolean | void;
}

/** How a run ended. */
export interface RunOutcome {
  status: 'done' | 'stopped';
  last?: StepRecord;
  /** Steps this call ran. */
  stepsRun: number;
  wallSeconds: number;
  /** The finding that stopped the run (a sink's onFinding returned true). */
  stoppedBy?: FindingRecord;
}

/**
 * A whole run against a store: steps the session to `plan.until`, appending every step record;
 * evaluates every `plan.eval.every` steps and at the end (before the checkpoint of that step, so a
 * run resumed from it does not repeat the evaluation); checkpoints on cadence, at the end and on
 * a stop. A stopped-and-resumed run gives exactly the records of one that never stopped. On a
 * divergence it appends a `diverged` record, writes no checkpoint (the last good one stays) and
 * throws a {@link DivergenceError} naming that checkpoint. Knows nothing of files or terminals.
 */
export async function runSession(session: GanSession, plan: RunPlan, store: RunStore, sinks: RunSinks = {}): Promise<RunOutcome> {
  const { until, checkpointEvery, keepCheckpoints, yieldEveryMs = 100, firstCheckpointMs = 30_000 } = plan;
  const evalEvery = plan.eval.every;
  const t0 = performance.now();
  const startStep = session.step;
  let last: StepRecord | undefined;
  let lastYield = t0;
  let lastCheckpoint = session.step;
  let lastEval = session.step;
  // A resumed session starts from a checkpoint; a new one has none until the early first one.
  let haveCheckpoint = (await store.listCheckpoints()).length > 0;
  const outcome = (status: RunOutcome['status']): RunOutcome => ({ status, last, stepsRun: session.step - startStep, wallSeconds: (performance.now() - t0) / 1000, ...(stoppedBy ? { stoppedBy } : {}) });
  const doctor = plan.doctor ? new LiveDoctor(plan.doctor.config, await store.readRecords(), plan.doctor.options) : null;
  let stoppedBy: FindingRecord | undefined;
  const look = async (record: StepRecord | EvalRecord) => {
    for (const finding of doctor?.observe(record) ?? []) {
      const found = findingRecord(session.step, finding);
      await store.append(found);
      if (sinks.onFinding?.(found, finding) === true) stoppedBy ??= found;
    }
  };
  const evaluateNow = async () => {
    if (evalEvery > 0 && lastEval !== session.step) {
      const { samples, seed, health, snapshotPoints, surfaceResolution } = plan.eval;
      const { record, snapshot } = evaluate(session, { samples, seed, health, snapshotPoints, surfaceResolution });
      if (plan.eval.snapshots) await store.writeSnapshot(snapshot);
      await store.append(record);
      sinks.onEval?.(record, snapshot);
      await look(record);
    }
    lastEval = session.step;
  };
  const checkpoint = async () => {
    const location = await store.saveCheckpoint(await encodeCheckpoint(session), keepCheckpoints);
    lastCheckpoint = session.step;
    haveCheckpoint = true;
    sinks.onCheckpoint?.(location);
  };
  try {
    while (session.step < until) {
      last = ganStep(session);
      await store.append(last);
      await sinks.onRecord?.(last);
      await look(last);
      const evaluated = evalEvery > 0 && session.step % evalEvery === 0;
      if (evaluated) await evaluateNow();
      // The autopilot goes back to a checkpoint from before the trouble: the troubled state is not saved.
      if (stoppedBy) return outcome('stopped');
      const early = !haveCheckpoint && (evaluated || performance.now() - t0 >= firstCheckpointMs);
      if (checkpointEvery > 0 && (session.step % checkpointEvery === 0 || early)) await checkpoint();
      const now = performance.now();
      if (now - lastYield >= yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (sinks.shouldStop?.()) {
        // No extra evaluation here: a stopped-and-resumed run keeps exactly the records of one that never stopped.
        if (checkpointEvery > 0 && lastCheckpoint !== session.step) await checkpoint();
        return outcome('stopped');
      }
    }
    await evaluateNow();
    if (checkpointEvery > 0 && lastCheckpoint !== session.step) await checkpoint();
    return outcome('done');
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    await store.append({ kind: 'diverged', step: err.step, message: err.message });
    const kept = await store.listCheckpoints();
    const lastGood = kept.length ? { location: (await store.latestCheckpoint()).location, step: kept[kept.length - 1] } : null;
    const where = lastGood ? `last good checkpoint: ${lastGood.location}` : 'no checkpoint was written before it';
    throw new DivergenceError(`${err.message}\n${where}`, err.step, lastGood);
  }
}

/** Lets pending events (signals, UI messages) run; setImmediate in Node, a macrotask in browsers. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** What starting or resuming a run from a store needs besides the store. */
export interface RunContext {
  /** The data sources configs may name (default: the core's toy sets). */
  datasets?: DatasetRegistry;
  /** Facts stored with the config (the backend chosen, versions). */
  facts?: Record<string, unknown>;
  sinks?: RunSinks;
  /** Called once the session is built or restored, before the first step. */
  onStart?(info: { config: RunConfig; session: GanSession; startStep: number }): void;
  /** Diagnose while training: confirmed findings become `finding` records (and reach `sinks.onFinding`). */
  doctor?: LiveDoctorOptions | true;
  /** Act on confirmed findings (implies the doctor): go back to a checkpoint from before the trouble and apply the top remedy. */
  autopilot?: AutopilotOptions | true;
  /** The autopilot turned the run around. */
  onIntervention?(record: InterventionRecord, config: RunConfig): void;
}

/** A finished (or stopped) run with its session, which the caller frees. */
export interface RunResult extends RunOutcome {
  config: RunConfig;
  session: GanSession;
}

/**
 * Trains a new run of `config` into an empty store: builds the session, writes the config, runs
 * it. `store` may be a function that opens it, called once the session is built, so a config the
 * builder refuses leaves nothing behind (no run directory).
 */
export async function startRun(config: RunConfig, store: RunStore | (() => RunStore), context: RunContext = {}): Promise<RunResult & { store: RunStore }> {
  const session = sessionFromConfig(config, context.datasets ?? toyDatasets);
  const opened = typeof store === 'function' ? store() : store;
  await opened.writeConfig(config, context.facts ?? {});
  context.onStart?.({ config, session, startStep: 0 });
  return { ...(await drive(session, config, runPlan(config).until, opened, context)), store: opened };
}

/**
 * A stored run's config and session restored from a checkpoint (the newest unless `step`),
 * with nothing written: the config is validated, the checkpoint verified and loaded.
 */
export async function restoreRun(store: RunStore, options: { datasets?: DatasetRegistry; step?: number } = {}): Promise<{ config: RunConfig; facts: Record<string, unknown>; session: GanSession; location: string }> {
  const stored = await store.readConfig();
  const config = parseOrThrow(runConfigSchemaFor(options.datasets ?? toyDatasets), stored.config, `config in ${store.location}`);
  const session = sessionFromConfig(config, options.datasets ?? toyDatasets);
  const { location, checkpoint } = await store.latestCheckpoint(options.step);
  restoreCheckpoint(session, checkpoint, location);
  return { config, facts: stored.facts, session, location };
}

/**
 * Continues a stored run from its newest checkpoint, to `until` steps when given (which must
 * exceed the checkpoint's step) or to its config's. A run stopped before its first checkpoint
 * (none kept, no evaluation recorded) starts over from step 0 with its stored config. Everything is validated — the config, the
 * checkpoint, `until` — before anything in the store changes; then the records after the
 * checkpoint are dropped and, for a new `until`, the config is rewritten with it.
 */
export async function resumeRun(store: RunStore, context: RunContext & { until?: number } = {}): Promise<RunResult> {
  const restored = (await stoppedBeforeFirstCheckpoint(store)) ? await freshRun(store, context.datasets) : await restoreRun(store, { datasets: context.datasets });
  const { session, facts } = restored;
  let config = restored.config;
  if (context.until !== undefined && context.until <= session.step) {
    disposeSession(session);
    const message = `got ${context.until}; the newest checkpoint is at step ${session.step}: give more steps than that to continue the run`;
    throw new ConfigError(`invalid config:\n  steps: ${message}`, [{ field: 'steps', message, received: context.until }]);
  }
  await store.truncateRecords(session.step);
  if (context.until !== undefined && context.until !== config.steps) {
    config = { ...config, steps: context.until };
    await store.writeConfig(config, { ...facts, ...context.facts });
  }
  context.onStart?.({ config, session, startStep: session.step });
  return drive(session, config, runPlan(config).until, store, context);
}

/**
 * Runs a session to `until` with the live doctor when asked, and with the autopilot: each time
 * it stops the run for a finding, {@link intervene} turns it around and the run goes on, until it
 * ends or has used its interventions (then findings are only recorded).
 */
async function drive(first: GanSession, firstConfig: RunConfig, until: number, store: RunStore, context: RunContext): Promise<RunResult> {
  const autopilot = context.autopilot === true ? {} : context.autopilot;
  const doctorOptions = context.doctor === true ? {} : context.doctor;
  const max = autopilot ? (autopilot.maxInterventions ?? AUTOPILOT_MAX_INTERVENTIONS) : 0;
  let count = autopilot ? (await store.readRecords()).filter((r) => r.kind === 'intervention').length : 0;
  let session = first;
  let config = firstConfig;
  let stepsRun = 0;
  let wallSeconds = 0;
  for (;;) {
    const sinks: RunSinks = {
      ...context.sinks,
      onFinding: (record, finding) => {
        const user = context.sinks?.onFinding?.(record, finding);
        return user === true || (count < max && actsOn(record));
      },
    };
    const doctor = doctorOptions || autopilot ? { config, options: doctorOptions } : undefined;
    const outcome = await runSession(session, { ...runPlan(config, until), ...(doctor ? { doctor } : {}) }, store, sinks);
    stepsRun += outcome.stepsRun;
    wallSeconds += outcome.wallSeconds;
    if (!outcome.stoppedBy || count >= max) return { ...outcome, stepsRun, wallSeconds, config, session };
    count++;
    const turned = await intervene(store, { ...config, steps: until }, outcome.stoppedBy, count, context.datasets ?? toyDatasets).catch((err: unknown) => {
      disposeSession(session);
      throw err;
    });
    disposeSession(session);
    ({ session, config } = turned);
    context.onIntervention?.(turned.record, config);
  }
}

/**
 * Whether a stored run is one stopped before its first checkpoint, which a resume starts over:
 * none kept and no evaluation recorded (the first checkpoint comes at the first evaluation at the
 * latest, so a run that evaluated and has none lost its checkpoints some other way, and is
 * refused rather than restarted over its records). The one rule for every store.
 */
export function startsOver(checkpoints: readonly number[], records: readonly { kind?: unknown }[]): boolean {
  return checkpoints.length === 0 && !records.some((r) => r.kind === 'eval');
}

async function stoppedBeforeFirstCheckpoint(store: RunStore): Promise<boolean> {
  const checkpoints = await store.listCheckpoints();
  return checkpoints.length === 0 && startsOver(checkpoints, await store.readRecords());
}

/** A stored run's config with a new session at step 0, as a restart of a run that kept no checkpoint. */
async function freshRun(store: RunStore, datasets: DatasetRegistry = toyDatasets): Promise<{ config: RunConfig; facts: Record<string, unknown>; session: GanSession }> {
  const stored = await store.readConfig();
  const config = parseOrThrow(runConfigSchemaFor(datasets), stored.config, `config in ${store.location}`);
  return { config, facts: stored.facts, session: sessionFromConfig(config, datasets) };
}

/** Recomputes the metrics of a stored run at one of its checkpoints (the newest unless `step`), on `samples` points (default: the run's). */
export async function evaluateStored(store: RunStore, options: { datasets?: DatasetRegistry; step?: number; samples?: number } = {}): Promise<{ location: string; record: EvalRecord; snapshot: SampleSnapshot }> {
  const { config, session, location } = await restoreRun(store, options);
  const { record, snapshot } = evaluate(session, { samples: options.samples ?? config.eval.samples, seed: config.seed, health: config.eval.health });
  return { location, record, snapshot };
}
