/**
 * One rung of a sweep trial, trained in a `saddlepoint train` child and safe to run again: a run
 * that already reached the rung is read, not retrained; a run with a checkpoint continues from it
 * (`train --resume DIR --steps S`); only a trial with no run yet starts one. The local pool and
 * the queue's workers both call it, so a rung retried after a crash, a Ctrl-C or a dead worker
 * ends with the records an unbroken run has.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SWEEP_METRICS, type SweepMetricName } from '../sweep/index.ts';
import { writeJsonAtomic } from './atomic.ts';
import { listCheckpoints, readMetrics, RUN_FILES } from './run-dir.ts';
import { finalMetrics } from './run-index.ts';
import { divergedText, lastLine, runTrainChild, takeRunDir, type ChildOptions } from './train-child.ts';

/** The log a trial's folder keeps: every child's command line and stderr, appended. */
export const RUNG_LOG = 'train.log';

/** What one rung asks for: train the trial's config to `steps`. */
export interface RungTask {
  /** The trial's full config (validated); a new run trains it with `steps` in place of its own. */
  config: Record<string, unknown>;
  steps: number;
  /** The metric the rung is ranked by: a rung without it fails. Null ranks nothing (compare reads every metric itself). */
  metric: SweepMetricName | null;
}

/** How the rung's run was reached. */
export type RungHow = 'new' | 'resumed' | 'finished';

/** How a rung ended; plain data (a queue job returns it as is). */
export interface RungResult {
  ok: boolean;
  /** The child was stopped by Ctrl-C (exit 130, checkpoint saved): the rung can be run again, it did not fail. */
  interrupted: boolean;
  /** The metric at the rung's step, or null. */
  value: number | null;
  /** The evaluation at the rung's step (its numeric fields). */
  metrics: Record<string, number> | null;
  /** The evaluation record at the rung's step, whole; null when there is none. */
  record: Record<string, unknown> | null;
  wallSeconds: number | null;
  processSeconds: number;
  error: string | null;
  /** The child's exit code (null: a signal ended it, or no child ran) and signal. */
  exitCode: number | null;
  signal: string | null;
  /** The last line the child wrote to stderr, or null. */
  lastStderr: string | null;
  /** The backend the child trained on, from its summary. */
  backend: string | null;
  /** A diverged child's account (why, and the checkpoint kept), else null. */
  diverged: string | null;
  /** `new`: a run was started; `resumed`: an existing run continued from its checkpoint; `finished`: it had already reached the rung. */
  how: RungHow;
  /** The step the run continued from (`resumed`), else null. */
  resumedFrom: number | null;
  /** Where it ran. */
  host: string;
  dir: string;
}

/** Options of {@link trainRung}. */
export interface RungOptions {
  env?: NodeJS.ProcessEnv;
  /** Start the child in its own process group (see {@link ChildOptions.detached}). */
  detached?: boolean;
  /** The child's pid, once spawned. */
  onSpawn?(pid: number | undefined): void;
}

/** The eval record at `step` in a run directory's metrics, or undefined. */
export function evalAt(dir: string, step: number): Record<string, unknown> | undefined {
  return readMetrics(join(dir, RUN_FILES.metrics)).filter((r) => r.kind === 'eval' && r.step === step).at(-1);
}

const isRun = (dir: string) => existsSync(join(dir, RUN_FILES.config));

/** The folder a trial's run is in right now: `dir`, or while a new run trains, the one run folder in `<dir>.staging`; null when there is none yet. */
export function currentRunDir(dir: string): string | null {
  if (isRun(dir)) return dir;
  const staging = `${dir}.staging`;
  if (!existsSync(staging)) return null;
  const made = readdirSync(staging, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  return made.length === 1 ? join(staging, made[0].name) : null;
}

/**
 * Puts a trial's folder in order before a rung runs: a run that an attempt killed before it could
 * move it in place (it is still in `<dir>.staging`) becomes the trial's run; a `dir` that holds no
 * run is removed. Idempotent.
 */
export function settleRunDir(dir: string): void {
  const staging = `${dir}.staging`;
  if (!isRun(dir) && existsSync(staging) && takeRunDir(staging, null, dir)) rmSync(staging, { recursive: true, force: true });
  if (existsSync(dir) && !isRun(dir)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Trains (or finds) the run in `dir` at `task.steps`. `dir` is the trial's folder; a run being
 * created is made in `<dir>.staging` and moved in place, so `dir` only ever holds a whole run.
 *
 * @example
 * const r = await trainRung({ config: trial.config, steps: 150, metric: 'modes' }, 'runs/sweep/trials/t3');
 * if (r.ok) console.log(r.value, r.how); // 7 'resumed'
 */
export async function trainRung(task: RungTask, dir: string, options: RungOptions = {}): Promise<RungResult> {
  const { steps, metric } = task;
  const staging = `${dir}.staging`;
  settleRunDir(dir);

  let how: RungHow = 'new';
  let resumedFrom: number | null = null;
  let child: Awaited<ReturnType<typeof runTrainChild>> | null = null;
  let args: string[] = [];
  if (isRun(dir) && (listCheckpoints(dir).at(-1) ?? -1) >= steps) {
    how = 'finished';
  } else if (isRun(dir)) {
    how = 'resumed';
    resumedFrom = listCheckpoints(dir).at(-1) ?? 0;
    args = ['--resume', dir, '--steps', String(steps), '--no-report', '--json'];
    child = await runTrainChild(args, options);
  } else {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const input = join(staging, 'input-config.json');
    writeJsonAtomic(input, { ...task.config, steps });
    args = ['--config', input, '--out', staging, '--no-report', '--json'];
    child = await runTrainChild(args, options);
    if (!takeRunDir(staging, child.summary, dir)) mkdirSync(dir, { recursive: true });
    rmSync(staging, { recursive: true, force: true });
  }
  if (child) appendFileSync(join(dir, RUNG_LOG), `--- saddlepoint train ${args.join(' ')}\n${child.stderr}`);

  const record = isRun(dir) ? evalAt(dir, steps) : undefined;
  const raw = metric === null ? undefined : record?.[metric];
  const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  const interrupted = child !== null && child.code === 130 && child.summary?.status === 'stopped';
  const diverged = child ? divergedText(child.summary) : null;
  let error: string | null = null;
  if (child?.spawnError) error = child.spawnError.message;
  else if (interrupted) error = `interrupted at step ${child!.summary?.steps ?? '?'} (checkpoint saved)`;
  else if (diverged !== null) error = `exit 3: ${diverged}`;
  else if (child && child.code !== 0) error = `exit ${child.code ?? `signal ${child.signal}`}: ${lastLine(child.stderr) ?? 'nothing on stderr'}`;
  else if (child && child.summary?.status !== 'done') error = child.summary ? `the run ended with status "${child.summary.status}"` : 'no JSON summary on stdout';
  else if (!record) error = `no evaluation at step ${steps} in ${RUN_FILES.metrics}`;
  else if (metric !== null && value === null) error = `the evaluation at step ${steps} has no ${metric} (${SWEEP_METRICS[metric].summary})`;
  return {
    ok: error === null,
    interrupted,
    value,
    metrics: finalMetrics(record),
    record: record ?? null,
    wallSeconds: typeof child?.summary?.wallSeconds === 'number' ? child.summary.wallSeconds : how === 'finished' ? 0 : null,
    processSeconds: child?.processSeconds ?? 0,
    error,
    exitCode: child?.code ?? (how === 'finished' ? 0 : null),
    signal: child?.signal ?? null,
    lastStderr: child ? lastLine(child.stderr) : null,
    backend: typeof child?.summary?.backend === 'string' ? child.summary.backend : null,
    diverged,
    how,
    resumedFrom,
    host: hostname(),
    dir,
  };
}
