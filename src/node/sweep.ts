/**
 * `saddlepoint sweep` on a local process pool: the plan's trials as `saddlepoint train` children,
 * `jobs` at a time, scheduled by ASHA's state machine (grid and random are its one-rung case), a
 * promoted trial resumed from its checkpoint with `train --resume DIR --steps S`. Every trial is
 * written to the run index as it starts and ends; the sweep ends with `sweep.json`, `sweep.md`,
 * `best-config.json` and `sweep.png`.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { sweepChart } from '../report/index.ts';
import { ashaDecide, ashaInit, chartParams, planTrials, sweepMarkdown, sweepReport, SWEEP_METRICS, type AshaAction, type AshaState, type PlanOptions, type RungReport, type SweepPlan, type SweepReport, type SweepSpec, type Trial, type TrialOutcome } from '../sweep/index.ts';
import { Rng } from '../tensor/index.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { renderPng } from './render.ts';
import { readMetrics, RUN_FILES } from './run-dir.ts';
import { finalMetrics, type RunIndex } from './run-index.ts';
import { divergedText, lastLine, runTrainChild, takeRunDir } from './train-child.ts';

/** Files a sweep writes in its output folder, besides `trials/<id>/`. */
export const SWEEP_FILES = { json: 'sweep.json', markdown: 'sweep.md', bestConfig: 'best-config.json', png: 'sweep.png', log: 'train.log', trials: 'trials' } as const;

/** One rung of one trial, as it ended. */
export interface RungEnd {
  trial: Trial;
  action: AshaAction;
  ok: boolean;
  /** The child was stopped by Ctrl-C (exit 130, checkpoint saved): the trial can be resumed, it did not fail. */
  interrupted: boolean;
  /** The metric at the rung's step, or null. */
  value: number | null;
  /** The evaluation at the rung's step (its numeric fields). */
  metrics: Record<string, number> | null;
  wallSeconds: number | null;
  processSeconds: number;
  error: string | null;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  spec: SweepSpec;
  /** Reads `base.config` files (resolved against the spec's folder by the caller). */
  readConfig?: PlanOptions['readConfig'];
  out: string;
  /** Trials at once, one child process each. */
  jobs: number;
  /** Where trials and the sweep are recorded; none leaves the index alone. */
  index?: RunIndex;
  /** The sweep's id in the index (default `<name>-<date>`). */
  id?: string;
  /** Environment of the children (default: this process's, with OPENBLAS_NUM_THREADS=1 when jobs > 1 and it is unset). */
  env?: NodeJS.ProcessEnv;
  onPlanned?(plan: SweepPlan, id: string): void;
  onAction?(action: AshaAction, trial: Trial): void;
  onRungEnd?(end: RungEnd): void;
  /** Polled before each launch: true launches nothing more (Ctrl-C); running trials finish. */
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
}

/** `ring8-remedies-20261201-210500`: a new id per sweep. */
export function defaultSweepId(name: string, date = new Date()): string {
  return `${name}-${date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-')}`;
}

/** Plans a sweep exactly as {@link runSweep} will (for `--dry-run`): the same seeded draws, every config validated. */
export function planSweep(spec: SweepSpec, readConfig?: PlanOptions['readConfig']): SweepPlan {
  return planTrials(spec, new Rng(spec.seed).fork('sweep'), { readConfig });
}

/** The eval record at `step` in a run directory's metrics, or undefined. */
function evalAt(dir: string, step: number): Record<string, unknown> | undefined {
  return readMetrics(join(dir, RUN_FILES.metrics)).filter((r) => r.kind === 'eval' && r.step === step).at(-1);
}

/** Trains one rung of a trial in a child: a new run for `start`, `--resume` for `resume`. */
async function runRung(trial: Trial, action: AshaAction, dir: string, metric: SweepSpec['metric']['name'], env: NodeJS.ProcessEnv): Promise<RungEnd> {
  let args: string[];
  const staging = `${dir}.staging`;
  if (action.kind === 'start') {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const input = join(staging, 'input-config.json');
    // The config keeps the full budget (remedies annealed over it); this run stops at the first rung.
    writeJsonAtomic(input, { ...trial.config, steps: action.steps });
    args = ['--config', input, '--out', staging, '--no-report', '--json'];
  } else {
    args = ['--resume', dir, '--steps', String(action.steps), '--no-report', '--json'];
  }
  const child = await runTrainChild(args, { env });
  if (action.kind === 'start') {
    if (!takeRunDir(staging, child.summary, dir)) mkdirSync(dir, { recursive: true });
    rmSync(staging, { recursive: true, force: true });
  }
  appendFileSync(join(dir, SWEEP_FILES.log), `--- saddlepoint train ${args.join(' ')}\n${child.stderr}`);
  const record = existsSync(join(dir, RUN_FILES.metrics)) ? evalAt(dir, action.steps) : undefined;
  const raw = record?.[metric];
  const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  let error: string | null = null;
  const interrupted = child.code === 130 && child.summary?.status === 'stopped';
  if (child.spawnError) error = child.spawnError.message;
  else if (interrupted) error = `interrupted at step ${child.summary?.steps ?? '?'} (checkpoint saved)`;
  else if (child.summary?.status === 'diverged') error = `exit 3: ${divergedText(child.summary)}`;
  else if (child.code !== 0) error = `exit ${child.code ?? `signal ${child.signal}`}: ${lastLine(child.stderr) ?? 'nothing on stderr'}`;
  else if (child.summary?.status !== 'done') error = child.summary ? `the run ended with status "${child.summary.status}"` : 'no JSON summary on stdout';
  else if (!record) error = `no evaluation at step ${action.steps} in ${RUN_FILES.metrics}`;
  else if (value === null) error = `the evaluation at step ${action.steps} has no ${metric} (${SWEEP_METRICS[metric].summary})`;
  return {
    trial,
    action,
    ok: error === null,
    interrupted,
    value,
    metrics: finalMetrics(record),
    wallSeconds: typeof child.summary?.wallSeconds === 'number' ? child.summary.wallSeconds : null,
    processSeconds: child.processSeconds,
    error,
  };
}

/**
 * Runs a sweep: plans and validates every trial first (a bad spec or trial config is a
 * ConfigError before any child starts), then keeps `jobs` children busy with what ASHA decides,
 * records each trial in the index, and writes the report files atomically.
 *
 * @example
 * const result = await runSweep({ spec: parseSweepSpec(yaml), out: 'runs/sweep', jobs: 2, index: openRunIndex('runs/index.sqlite') });
 * console.log(result.report.best?.id, result.report.bestConfig);
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { spec, index } = options;
  const t0 = performance.now();
  const started = new Date();
  const date = started.toISOString();
  const out = resolve(options.out);
  const plan = planSweep(spec, options.readConfig);
  const id = options.id ?? defaultSweepId(spec.name, started);
  const trialsDir = join(out, SWEEP_FILES.trials);
  const dirOf = (t: Trial) => join(trialsDir, t.id);
  if (existsSync(join(out, SWEEP_FILES.json)) || plan.trials.some((t) => existsSync(dirOf(t)))) {
    throw new ConfigError(`${out} already holds a sweep; choose another --out or remove it`);
  }
  if (index?.getSweep(id)) throw new ConfigError(`the run index already has a sweep "${id}"; give another id`);
  const jobs = Math.max(1, Math.min(options.jobs, plan.trials.length));
  const env = options.env ?? (jobs > 1 && process.env.OPENBLAS_NUM_THREADS === undefined ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env);
  const host = hostname();
  mkdirSync(trialsDir, { recursive: true });
  index?.upsertSweep({ id, name: spec.name, spec: spec as unknown as Record<string, unknown>, strategy: spec.strategy.name, metric: plan.metric, direction: plan.direction, status: 'running', out, host, startedAt: date, finishedAt: null, trials: plan.trials.length });
  options.onPlanned?.(plan, id);

  const byId = new Map(plan.trials.map((t) => [t.id, t]));
  const runId = (t: Trial) => `${id}/${t.id}`;
  const wall = new Map<string, number>();
  const lastEnd = new Map<string, RungEnd>();
  const running = new Map<string, Promise<RungEnd>>();
  let state: AshaState = ashaInit(plan.trials, plan.rungs, plan.direction, spec.strategy.name === 'asha' ? spec.strategy.reductionFactor : 3);
  let interrupted = false;

  const carryOut = (actions: readonly AshaAction[]) => {
    for (const action of actions) {
      const trial = byId.get(action.trial)!;
      options.onAction?.(action, trial);
      if (action.kind === 'stop') {
        index?.finishRun(runId(trial), { status: 'stopped', steps: action.steps });
        continue;
      }
      index?.upsertRun({ id: runId(trial), sweep: id, trial: trial.id, dir: dirOf(trial), config: trial.config as unknown as Record<string, unknown>, params: trial.params, status: 'running', host, startedAt: new Date().toISOString() });
      running.set(trial.id, runRung(trial, action, dirOf(trial), plan.metric, env));
    }
  };
  const free = () => {
    if (!options.shouldStop?.()) return jobs - running.size;
    interrupted = true;
    return 0;
  };

  let decision = ashaDecide(state, [], free());
  state = decision.state;
  carryOut(decision.actions);
  while (running.size > 0) {
    const end = await Promise.race(running.values());
    running.delete(end.trial.id);
    const total = (wall.get(end.trial.id) ?? 0) + (end.wallSeconds ?? 0);
    wall.set(end.trial.id, total);
    if (end.interrupted) {
      // Ctrl-C reaches the children too; a trial stopped with its checkpoint is paused, not failed.
      // The report keeps its last completed rung (none: not run).
      index?.finishRun(runId(end.trial), { status: 'paused', wallSeconds: total, error: end.error });
      options.onRungEnd?.(end);
      continue;
    }
    lastEnd.set(end.trial.id, end);
    const report: RungReport = { trial: end.trial.id, steps: end.action.steps, value: end.ok ? end.value : null };
    const last = end.action.steps === plan.rungs[plan.rungs.length - 1];
    index?.finishRun(runId(end.trial), { status: !end.ok ? 'failed' : last ? 'done' : 'paused', steps: end.action.steps, wallSeconds: total, metrics: end.metrics, error: end.error });
    options.onRungEnd?.(end);
    decision = ashaDecide(state, [report], free());
    state = decision.state;
    carryOut(decision.actions);
  }
  interrupted ||= !decision.done;

  const outcomes: TrialOutcome[] = state.trials.flatMap((t) => {
    const end = lastEnd.get(t.id);
    if (!end) return [];
    const status = t.status === 'done' ? 'done' : t.status === 'failed' ? 'failed' : 'stopped';
    return [{ id: t.id, status, steps: end.action.steps, value: end.ok ? end.value : null, metrics: end.metrics ?? {}, wallSeconds: wall.get(t.id) ?? null, error: end.error, dir: dirOf(byId.get(t.id)!) }];
  });
  const report = sweepReport(plan, outcomes);
  const files: SweepResult['files'] = { json: join(out, SWEEP_FILES.json), markdown: join(out, SWEEP_FILES.markdown), bestConfig: null, png: join(out, SWEEP_FILES.png) };
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
  const result: SweepResult = { id, out, date, plan, report, interrupted, wallSeconds: (performance.now() - t0) / 1000, files };
  writeFileAtomic(files.markdown, sweepMarkdown(report, { name: spec.name, strategy: spec.strategy.name, date }));
  writeJsonAtomic(files.json, { spec, ...result });
  index?.finishSweep(id, interrupted ? 'interrupted' : 'done');
  return result;
}
