/**
 * `saddlepoint sweep`: the plan's trials scheduled by ASHA's state machine (grid and random are its
 * one-rung case), each rung trained by {@link trainRung} — on a local process pool, `jobs` children
 * at a time, or through a Redis queue that `saddlepoint worker`s on any number of machines pull from.
 * A promoted trial continues from its checkpoint. Every trial is written to the run index as it
 * starts, reports and ends; the sweep's state is saved after every decision, so an interrupted sweep
 * continues with `--resume`; it ends with `sweep.json`, `sweep.md`, `best-config.json` and `sweep.png`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, DataError } from '../errors.ts';
import { sweepChart } from '../report/index.ts';
import { ashaDecide, ashaInit, chartParams, planTrials, sweepMarkdown, sweepReport, type AshaAction, type AshaState, type PlanOptions, type RungReport, type SweepPlan, type SweepReport, type SweepSpec, type Trial, type TrialOutcome } from '../sweep/index.ts';
import { Rng } from '../tensor/index.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { QueueRunner, STORE_TOKEN_FILE, type QueueAddress, type RungProgress } from './queue.ts';
import { renderPng } from './render.ts';
import { trainRung, RUNG_LOG, type RungResult } from './rung.ts';
import type { RunIndex } from './run-index.ts';

/** Files a sweep writes in its output folder, besides `trials/<id>/`. */
export const SWEEP_FILES = { json: 'sweep.json', markdown: 'sweep.md', bestConfig: 'best-config.json', png: 'sweep.png', log: RUNG_LOG, trials: 'trials', state: 'sweep-state.json' } as const;

/** One rung of one trial, as it ended. */
export interface RungEnd extends RungResult {
  trial: Trial;
  action: AshaAction;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  spec: SweepSpec;
  /** Reads `base.config` files (resolved against the spec's folder by the caller). */
  readConfig?: PlanOptions['readConfig'];
  out: string;
  /** Rungs in flight at once: local children, or jobs in the queue. */
  jobs: number;
  /** Train through this Redis queue (workers pull the rungs) instead of local children. */
  queue?: QueueAddress;
  /** Continue the sweep saved in `out` (its sweep-state.json); `spec` and `id` come from there. */
  resume?: boolean;
  /** Trials planned by the caller (compare's remedies × seeds) instead of from `spec`; `spec` still names the sweep and its metric. */
  plan?: SweepPlan;
  /** A trial's folder relative to `out` (default `trials/<id>`). */
  trialPath?(trial: Trial): string;
  /** Rank rungs by the plan's metric, failing a rung without it (default true); false for compare, which ranks nothing. */
  requireMetric?: boolean;
  /** Write sweep.md, sweep.json, best-config.json and sweep.png (default true; compare writes its own results). */
  writeReport?: boolean;
  /** Where trials and the sweep are recorded; none leaves the index alone. */
  index?: RunIndex;
  /** The sweep's id in the index (default `<name>-<date>`). */
  id?: string;
  /** Environment of the children (default: this process's, with OPENBLAS_NUM_THREADS=1 when jobs > 1 and it is unset). */
  env?: NodeJS.ProcessEnv;
  onPlanned?(plan: SweepPlan, id: string): void;
  onAction?(action: AshaAction, trial: Trial): void;
  onRungEnd?(end: RungEnd): void;
  /** A queued rung started or reported on a worker. */
  onProgress?(trial: Trial, progress: RungProgress): void;
  /** Polled before each launch: true launches nothing more (Ctrl-C). Local children finish or checkpoint; with a queue the sweep stops waiting at once and its jobs stay queued. */
  shouldStop?(): boolean;
  warn?(message: string): void;
}

/** What {@link runSweep} returns (and `sweep.json` holds, with the spec). */
export interface SweepResult {
  id: string;
  out: string;
  date: string;
  plan: SweepPlan;
  report: SweepReport;
  interrupted: boolean;
  wallSeconds: number;
  files: { json: string; markdown: string; bestConfig: string | null; png: string | null };
  /** Each trial's last ended rung, in plan order (trials that never ended a rung are missing). */
  ends: RungEnd[];
}

/** What `sweep-state.json` holds: enough to continue the sweep exactly where it stood. */
export interface SweepState {
  version: 1;
  id: string;
  spec: SweepSpec;
  plan: SweepPlan;
  startedAt: string;
  /** The queue the sweep ran through (password masked), or null for a local pool. */
  queue: string | null;
  /** The token workers compare to tell that they share this folder. */
  token: string;
  asha: AshaState;
  /** Rungs launched and not yet ended (a resumed sweep launches them again; they continue from their runs). */
  inFlight: AshaAction[];
  /** Each trial's last ended rung. */
  ends: Record<string, Omit<RungEnd, 'trial'>>;
  /** Training seconds per trial, summed over rungs. */
  wall: Record<string, number>;
}

/** `ring8-remedies-20261201-210500`: a new id per sweep. */
export function defaultSweepId(name: string, date = new Date()): string {
  return `${name}-${date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-')}`;
}

/** Plans a sweep exactly as {@link runSweep} will (for `--dry-run`): the same seeded draws, every config validated. */
export function planSweep(spec: SweepSpec, readConfig?: PlanOptions['readConfig']): SweepPlan {
  return planTrials(spec, new Rng(spec.seed).fork('sweep'), { readConfig });
}

/** Reads a sweep's saved state, refusing a folder that holds none or a damaged one. */
export function readSweepState(out: string): SweepState {
  const path = join(resolve(out), SWEEP_FILES.state);
  if (!existsSync(path)) throw new ConfigError(`${out}: no ${SWEEP_FILES.state} here, so there is no sweep to resume (give the --out folder of an interrupted sweep)`);
  let state: SweepState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as SweepState;
  } catch (err) {
    throw new DataError(`cannot read the sweep state: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  if (state.version !== 1 || typeof state.id !== 'string' || !state.asha || !Array.isArray(state.inFlight) || !state.plan) throw new DataError('not a sweep state this saddlepoint writes (version 1)', path);
  return state;
}

/**
 * Runs a sweep: plans and validates every trial first (a bad spec or trial config is a
 * ConfigError before any child starts or any job is enqueued), then keeps `jobs` rungs in flight
 * with what ASHA decides, records each trial in the index, saves its state after every decision,
 * and writes the report files atomically. With `resume`, it continues the sweep saved in `out`:
 * rungs that were in flight run again and continue from their runs (a queued one is found by its
 * job id, finished or not).
 *
 * @example
 * const result = await runSweep({ spec: parseSweepSpec(yaml), out: 'runs/sweep', jobs: 2, index: openRunIndex('runs/index.sqlite') });
 * console.log(result.report.best?.id, result.report.bestConfig);
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { index } = options;
  const t0 = performance.now();
  const out = resolve(options.out);
  const pathOf = (t: Trial) => options.trialPath?.(t) ?? join(SWEEP_FILES.trials, t.id);
  const dirOf = (t: Trial) => join(out, pathOf(t));
  let saved: SweepState;
  if (options.resume) {
    saved = readSweepState(out);
  } else {
    const spec = options.spec;
    const plan = options.plan ?? planSweep(spec, options.readConfig);
    const started = new Date();
    const id = options.id ?? defaultSweepId(spec.name, started);
    if (existsSync(join(out, SWEEP_FILES.json)) || existsSync(join(out, SWEEP_FILES.state)) || plan.trials.some((t) => existsSync(dirOf(t)))) {
      throw new ConfigError(`${out} already holds a sweep; choose another --out, remove it, or continue it with --resume ${options.out}`);
    }
    if (index?.getSweep(id)) throw new ConfigError(`the run index already has a sweep "${id}"; give another id`);
    const asha = ashaInit(plan.trials, plan.rungs, plan.direction, spec.strategy.name === 'asha' ? spec.strategy.reductionFactor : 3);
    saved = { version: 1, id, spec, plan, startedAt: started.toISOString(), queue: options.queue?.shown ?? null, token: randomBytes(12).toString('hex'), asha, inFlight: [], ends: {}, wall: {} };
  }
  const { id, spec, plan } = saved;
  const date = saved.startedAt;
  const host = hostname();
  const byId = new Map(plan.trials.map((t) => [t.id, t]));
  const runId = (t: Trial) => `${id}/${t.id}`;
  const running = new Map<string, Promise<RungEnd>>();
  const runner = options.queue
    ? await QueueRunner.open(options.queue, {
        onProgress(job, progress) {
          const trial = byId.get(job.trial);
          if (!trial || !running.has(trial.id)) return;
          index?.upsertRun({ id: runId(trial), config: trial.config as unknown as Record<string, unknown>, status: 'running', host: progress.host, steps: progress.step, metrics: progress.metrics });
          options.onProgress?.(trial, progress);
        },
      })
    : null;
  const jobs = Math.max(1, Math.min(options.jobs, plan.trials.length));
  const env = options.env ?? (jobs > 1 && process.env.OPENBLAS_NUM_THREADS === undefined ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env);
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, STORE_TOKEN_FILE), `${id}\n${saved.token}\n`);
  index?.upsertSweep({ id, name: spec.name, spec: spec as unknown as Record<string, unknown>, strategy: spec.strategy.name, metric: plan.metric, direction: plan.direction, status: 'running', out, host, startedAt: date, finishedAt: null, trials: plan.trials.length });
  options.onPlanned?.(plan, id);

  const wall = new Map(Object.entries(saved.wall));
  const lastEnd = new Map<string, RungEnd>(Object.entries(saved.ends).map(([t, end]) => [t, { ...end, trial: byId.get(t)! }]));
  const inFlight = new Map(saved.inFlight.map((a) => [a.trial, a]));
  let state: AshaState = saved.asha;
  let interrupted = false;
  const save = () =>
    writeJsonAtomic(join(out, SWEEP_FILES.state), {
      ...saved,
      asha: state,
      inFlight: [...inFlight.values()],
      ends: Object.fromEntries([...lastEnd].map(([t, { trial: _trial, ...end }]) => [t, end])),
      wall: Object.fromEntries(wall),
    } satisfies SweepState);

  const execute = async (trial: Trial, action: AshaAction): Promise<RungEnd> => {
    const task = { config: trial.config as unknown as Record<string, unknown>, steps: action.steps, metric: options.requireMetric === false ? null : plan.metric };
    const result = runner
      ? await runner.run({ sweep: id, trial: trial.id, ...task, path: pathOf(trial), store: { dir: out, token: saved.token } })
      : await trainRung(task, dirOf(trial), { env });
    return { ...result, trial, action };
  };
  const launch = (trial: Trial, action: AshaAction) => {
    inFlight.set(trial.id, action);
    index?.upsertRun({ id: runId(trial), sweep: id, trial: trial.id, dir: dirOf(trial), config: trial.config as unknown as Record<string, unknown>, params: trial.params, status: runner ? 'queued' : 'running', host: runner ? null : host, startedAt: new Date().toISOString() });
    running.set(trial.id, execute(trial, action));
  };
  const carryOut = (actions: readonly AshaAction[]) => {
    for (const action of actions) {
      const trial = byId.get(action.trial)!;
      options.onAction?.(action, trial);
      if (action.kind === 'stop') {
        index?.finishRun(runId(trial), { status: 'stopped', steps: action.steps });
        continue;
      }
      launch(trial, action);
    }
  };
  const free = () => {
    if (!options.shouldStop?.()) return jobs - running.size;
    interrupted = true;
    return 0;
  };

  // Ctrl-C with a queue: stop waiting at once; the jobs stay queued and --resume finds them.
  let stopWaiting: () => void = () => {};
  const stopped = new Promise<null>((done) => (stopWaiting = () => done(null)));
  const poll = runner && options.shouldStop ? setInterval(() => options.shouldStop!() && stopWaiting(), 200) : null;

  let done = false;
  try {
    // A resumed sweep first relaunches what was in flight: each continues from its run, or its job.
    for (const action of [...inFlight.values()]) launch(byId.get(action.trial)!, action);
    let decision = ashaDecide(state, [], free());
    state = decision.state;
    carryOut(decision.actions);
    done = decision.done;
    save();
    while (running.size > 0) {
      const end = await Promise.race([...running.values(), stopped]);
      if (end === null) {
        interrupted = true;
        break;
      }
      running.delete(end.trial.id);
      const total = (wall.get(end.trial.id) ?? 0) + (end.wallSeconds ?? 0);
      wall.set(end.trial.id, total);
      const run = runId(end.trial);
      if (end.interrupted) {
        // Ctrl-C reaches the children too; a trial stopped with its checkpoint is paused, not
        // failed, and stays in flight for --resume. The report keeps its last completed rung.
        index?.finishRun(run, { status: 'paused', wallSeconds: total, error: end.error });
        options.onRungEnd?.(end);
        save();
        continue;
      }
      inFlight.delete(end.trial.id);
      lastEnd.set(end.trial.id, end);
      const report: RungReport = { trial: end.trial.id, steps: end.action.steps, value: end.ok ? end.value : null };
      const last = end.action.steps === plan.rungs[plan.rungs.length - 1];
      index?.upsertRun({ id: run, config: end.trial.config as unknown as Record<string, unknown>, status: 'running', host: end.host, ...(end.dir && end.dir !== dirOf(end.trial) ? { dir: `${end.host}:${end.dir}` } : {}) });
      index?.finishRun(run, { status: !end.ok ? 'failed' : last ? 'done' : 'paused', steps: end.action.steps, wallSeconds: total, metrics: end.metrics, error: end.error });
      options.onRungEnd?.(end);
      decision = ashaDecide(state, [report], free());
      state = decision.state;
      carryOut(decision.actions);
      done = decision.done;
      save();
    }
  } finally {
    if (poll) clearInterval(poll);
    await runner?.close();
  }
  interrupted ||= !done;

  const outcomes: TrialOutcome[] = state.trials.flatMap((t) => {
    const end = lastEnd.get(t.id);
    if (!end) return [];
    const status = t.status === 'done' ? 'done' : t.status === 'failed' ? 'failed' : 'stopped';
    const dir = end.dir && end.dir !== dirOf(byId.get(t.id)!) ? `${end.host}:${end.dir}` : dirOf(byId.get(t.id)!);
    return [{ id: t.id, status, steps: end.action.steps, value: end.ok ? end.value : null, metrics: end.metrics ?? {}, wallSeconds: wall.get(t.id) ?? null, error: end.error, dir }];
  });
  const report = sweepReport(plan, outcomes);
  const files: SweepResult['files'] = { json: join(out, SWEEP_FILES.json), markdown: join(out, SWEEP_FILES.markdown), bestConfig: null, png: join(out, SWEEP_FILES.png) };
  const result: SweepResult = { id, out, date, plan, report, interrupted, wallSeconds: 0, files, ends: plan.trials.flatMap((t) => (lastEnd.has(t.id) ? [lastEnd.get(t.id)!] : [])) };
  if (options.writeReport !== false) {
    if (report.bestConfig) {
      files.bestConfig = join(out, SWEEP_FILES.bestConfig);
      writeJsonAtomic(files.bestConfig, report.bestConfig);
    }
    try {
      const trials = report.rows.map((r) => ({ id: r.id, params: r.params, value: r.value, steps: r.steps, best: r.rank === 1 }));
      const subtitle = `${spec.strategy.name} · ${report.rows.length} trials · dot size: steps trained · ringed: best (${plan.direction} ${plan.metric})`;
      writeFileAtomic(files.png!, await renderPng(sweepChart(trials, chartParams(spec), { title: `Sweep ${spec.name}: ${plan.metric} by parameter`, subtitle, metricTitle: plan.metric }), { scale: 2 }));
    } catch (err) {
      files.png = null;
      options.warn?.(`${SWEEP_FILES.png} not drawn: ${err instanceof Error ? err.message : String(err)}`);
    }
    result.wallSeconds = (performance.now() - t0) / 1000;
    writeFileAtomic(files.markdown, sweepMarkdown(report, { name: spec.name, strategy: spec.strategy.name, date }));
    const { ends: _ends, ...written } = result;
    writeJsonAtomic(files.json, { spec, ...written });
  }
  result.wallSeconds = (performance.now() - t0) / 1000;
  index?.finishSweep(id, interrupted ? 'interrupted' : 'done');
  return result;
}
