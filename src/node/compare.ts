/**
 * `saddlepoint compare` as a library: the grid remedies × seeds as a thin sweep (one rung per run,
 * each a `saddlepoint train` child on the local pool or on a queue's workers, so a crash loses one
 * run and not the table), then mean ± standard error
 * over seeds of each remedy's last evaluation, written as `results.json`, `results.md` and
 * `results.png`. Aggregation and the Markdown table are pure functions over run outcomes.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { REMEDIES, remedyParts, resolveConfig, type ConfigSources, type RemedyRegistry, type RunConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { metricDirection, parseSweepSpec, REMEDY_PARAM, SEED_PARAM, type SweepMetricName, type SweepPlan, type SweepSpec, type Trial } from '../sweep/index.ts';
import { COMPARE_METRICS, COMPARE_METRIC_NAMES, compareChart, type CompareMetric, type CompareStat } from '../report/index.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { renderPng } from './render.ts';
import { readMetrics, RUN_FILES } from './run-dir.ts';
import type { QueueAddress } from './queue.ts';
import type { RungResult } from './rung.ts';
import type { RunIndex } from './run-index.ts';
import { defaultSweepId, runSweep } from './sweep.ts';

/** Files `compare` writes in its output folder (besides one run directory per remedy and seed). */
export const COMPARE_FILES = { json: 'results.json', markdown: 'results.md', png: 'results.png', log: 'train.log' } as const;

/** One run of the grid, before it runs. */
export interface PlannedRun {
  remedy: string;
  seed: number;
  /** The validated config the child trains. */
  config: RunConfig;
  /** Where its run directory ends up: `<out>/<remedy>/seed-<seed>`. */
  dir: string;
}

/** How each row is reproduced with `train`: the base's arguments, to which a row adds `--remedy` and `--seed`. */
export interface TrainCommand {
  /** `saddlepoint train` arguments of the base config (preset, files, --set, --loss, --steps, --backend), in compare's order. */
  args: readonly string[];
}

/** The measured qualities of a run's last evaluation (`kind: "eval"` in metrics.jsonl); null where the data has none. */
export interface FinalEval {
  step: number;
  modes: number | null;
  modesTotal: number | null;
  /** Share of samples within 3σ of a mode, 0…1 (the table shows %). */
  highQuality: number | null;
  reverseKL: number | null;
  w1: number | null;
}

/** How one child run ended. */
export interface RunOutcome {
  remedy: string;
  seed: number;
  dir: string;
  /** Trained to the end with a final evaluation. */
  ok: boolean;
  /** The child's exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** The last non-empty line the child wrote to stderr (the error, for a failed run). */
  lastStderr: string | null;
  /** Training time the child reported (no process start-up); null for a failed run. */
  wallSeconds: number | null;
  /** Seconds from spawn to exit. */
  processSeconds: number;
  backend: string | null;
  eval: FinalEval | null;
}

/** A failed run as the table lists it. */
export interface RunFailure {
  seed: number;
  exitCode: number | null;
  signal: string | null;
  lastStderr: string | null;
}

/** One remedy aggregated over its seeds. */
export interface CompareRow {
  remedy: string;
  summary: string;
  /** Runs launched, finished and failed (runs = finished + failed). */
  runs: number;
  finished: number;
  failed: number;
  /** The data's mode count, when it has known modes. */
  modesTotal: number | null;
  metrics: Record<CompareMetric, CompareStat>;
  failures: RunFailure[];
}

/** Everything `results.json` holds (and `--json` prints). */
export interface CompareSummary {
  data: string;
  loss: string;
  steps: number;
  seeds: number[];
  /** When the comparison started (ISO 8601). */
  date: string;
  /** The backends the runs trained on (comma-separated when they differ). */
  backend: string;
  jobs: number;
  out: string;
  /** Runs that failed, over all remedies. */
  failed: number;
  /** True when Ctrl-C stopped the grid before every run was launched. */
  interrupted: boolean;
  files: { json: string; markdown: string; png: string | null };
  rows: CompareRow[];
  runs: RunOutcome[];
  /** Per remedy, the `train` command that gives a row's run (with `<seed>` for each seed), when the base's arguments are known. */
  commands: Record<string, string> | null;
}

/**
 * Mean and standard error (sample standard deviation / √n) of `values`; the mean is null without
 * values and the standard error null with fewer than two.
 */
export function meanSe(values: readonly number[]): CompareStat {
  const n = values.length;
  if (n === 0) return { mean: null, se: null, n, values: [] };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, se: null, n, values: [...values] };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n, values: [...values] };
}

/** A run's value of `metric`, or null when it has none (a failed run, data without modes, an undefined KL). */
function valueOf(run: RunOutcome, metric: CompareMetric): number | null {
  if (!run.ok) return null;
  let v: number | null;
  if (metric === 'wallSeconds') v = run.wallSeconds;
  else if (metric === 'highQuality') v = typeof run.eval?.highQuality === 'number' ? run.eval.highQuality * 100 : null;
  else v = run.eval?.[metric] ?? null;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The one-line summary of a remedy or a `+` combination. */
export function remedySummary(spec: string, registry: RemedyRegistry = REMEDIES): string {
  return remedyParts(spec, registry)
    .map((p) => registry[p].summary)
    .join(' + ');
}

/**
 * One row per remedy, in the order given: over the runs that finished, mean ± standard error of
 * modes, HQ %, reverse KL, W1 and training time; failed runs counted and listed with their exit
 * code and last stderr line.
 */
export function aggregateRuns(remedies: readonly string[], runs: readonly RunOutcome[], registry: RemedyRegistry = REMEDIES): CompareRow[] {
  return remedies.map((remedy) => {
    const mine = runs.filter((r) => r.remedy === remedy).sort((a, b) => a.seed - b.seed);
    const metrics = Object.fromEntries(
      COMPARE_METRIC_NAMES.map((m) => [m, meanSe(mine.map((r) => valueOf(r, m)).filter((v): v is number => v !== null))]),
    ) as Record<CompareMetric, CompareStat>;
    const failures = mine.filter((r) => !r.ok).map(({ seed, exitCode, signal, lastStderr }) => ({ seed, exitCode, signal, lastStderr }));
    const modesTotal = mine.map((r) => r.eval?.modesTotal).find((t): t is number => typeof t === 'number') ?? null;
    return { remedy, summary: remedySummary(remedy, registry), runs: mine.length, finished: mine.length - failures.length, failed: failures.length, modesTotal, metrics, failures };
  });
}

/** `7.6 ± 0.2`, `7.0 ± –` for a single value, `–` for none; `(n=k)` when fewer runs gave the value than finished. */
export function formatStat(stat: CompareStat, digits: number, finished: number): string {
  if (stat.mean === null) return '–';
  const text = `${stat.mean.toFixed(digits)} ± ${stat.se === null ? '–' : stat.se.toFixed(digits)}`;
  return stat.n < finished ? `${text} (n=${stat.n})` : text;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** `2026-11-23 15:04 UTC` from an ISO date. */
function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function exitText(f: RunFailure): string {
  return f.exitCode !== null ? String(f.exitCode) : `signal ${f.signal ?? '?'}`;
}

/** The Markdown of `results.md`: a header with the setup, the table, how to read it, failed runs and what each remedy is. */
export function compareMarkdown(summary: Pick<CompareSummary, 'data' | 'loss' | 'steps' | 'seeds' | 'date' | 'backend' | 'rows' | 'interrupted'> & { commands?: CompareSummary['commands'] }): string {
  const { rows, seeds } = summary;
  const modesTotal = rows.map((r) => r.modesTotal).find((t) => t !== null);
  const columns = COMPARE_METRIC_NAMES.map((m) => (m === 'modes' && modesTotal ? `modes (of ${modesTotal})` : COMPARE_METRICS[m].column));
  const seedText = seeds.length === 1 ? `1 seed (${seeds[0]})` : `${seeds.length} seeds (${seeds.join(', ')})`;
  const lines = [
    `# saddlepoint compare: ${summary.data} · ${summary.loss}`,
    '',
    `data ${summary.data} · loss ${summary.loss} · ${summary.steps} steps · ${seedText} · ${shortDate(summary.date)} · backend ${summary.backend}${summary.interrupted ? ' · interrupted: not every run was launched' : ''}`,
    '',
    `| remedy | runs | ${columns.join(' | ')} |`,
    `|:--|--:|${columns.map(() => '--:').join('|')}|`,
    ...rows.map((r) => {
      const runs = r.failed ? `${r.finished} of ${r.runs} (${r.failed} failed)` : String(r.runs);
      return `| ${cell(r.remedy)} | ${runs} | ${COMPARE_METRIC_NAMES.map((m) => formatStat(r.metrics[m], COMPARE_METRICS[m].digits, r.finished)).join(' | ')} |`;
    }),
    '',
    'Mean ± standard error over the seeds that finished (sample standard deviation / √n); "± –" where one run gave a value, "–" where none did, ' +
      '"(n=k)" where only k finished runs gave one (reverse KL is undefined when no sample is high quality). Modes, HQ % (samples within 3σ of a mode), ' +
      "reverse KL (of the mode histogram, nats) and W1 come from each run's last evaluation; wall s is training time without process start-up.",
  ];
  const failures = rows.flatMap((r) => r.failures.map((f) => ({ remedy: r.remedy, ...f })));
  if (failures.length) {
    lines.push('', '## Failed runs', '', '| remedy | seed | exit | last stderr line |', '|:--|--:|--:|:--|');
    for (const f of failures) lines.push(`| ${cell(f.remedy)} | ${f.seed} | ${exitText(f)} | ${cell(f.lastStderr ?? '(nothing on stderr)')} |`);
  }
  lines.push('', '## Remedies', '', ...rows.map((r) => `- \`${r.remedy}\`: ${r.summary}`));
  if (summary.commands) {
    const seedText = seeds.length === 1 ? String(seeds[0]) : `${seeds[0]}…${seeds[seeds.length - 1]}`;
    lines.push('', '## Each run as one train command', '', `Replace \`<seed>\` with ${seedText}; the same command trains the same records (each run's config.json holds everything it used).`, '');
    for (const r of rows) if (summary.commands[r.remedy]) lines.push(`- \`${r.remedy}\`: \`${summary.commands[r.remedy]}\``);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The grid: every remedy resolved over the base's sources (with the recommended settings it
 * brings, where the base does not set them) and validated once, before anything runs, and each
 * seed's target directory checked to be free. `threads` pins the native backend's BLAS threads of
 * every run whose base leaves them 'auto' (compare runs several at once, one thread each), so the
 * config records them and a `train` with that config gives the same numbers. A config the schema
 * refuses is a ConfigError naming the remedy.
 */
export function planCompare(sources: ConfigSources, remedies: readonly string[], seeds: readonly number[], out: string, registry: RemedyRegistry = REMEDIES, threads?: number): PlannedRun[] {
  const configs = remedies.map((remedy) => ({ remedy, config: rowConfig(resolveConfig({ ...sources, remedy, remedies: registry }), threads) }));
  const plan = configs.flatMap(({ remedy, config }) => seeds.map((seed) => ({ remedy, seed, config: { ...config, seed }, dir: join(resolve(out), remedy, `seed-${seed}`) })));
  const taken = plan.filter((p) => existsSync(p.dir));
  if (taken.length) {
    throw new ConfigError(`${resolve(out)} already holds ${taken.length === 1 ? 'a run directory' : `${taken.length} run directories`} of this grid (${taken[0].dir}); choose another --out or remove them`);
  }
  return plan;
}

/** A row's config: every run ends with an evaluation (at its last step when the base has none), with the pinned BLAS threads. */
function rowConfig(config: RunConfig, threads: number | undefined): RunConfig {
  const withEval: RunConfig = config.eval.every > 0 ? config : { ...config, eval: { ...config.eval, every: config.steps } };
  return threads !== undefined && withEval.threads === 'auto' ? { ...withEval, threads } : withEval;
}

/** What a row's `train` command adds to the base's arguments so that it trains exactly the row's config. */
function rowArgs(base: RunConfig, row: RunConfig, remedy: string): string[] {
  const args = remedy === 'none' ? [] : ['--remedy', remedy];
  if (base.eval.every === 0) args.push('--set', `eval.every=${row.eval.every}`);
  if (base.threads !== row.threads) args.push('--set', `threads=${row.threads}`);
  return args;
}

/** `npx saddlepoint train …` with each argument quoted for a POSIX shell where it needs it. */
export function shellCommand(args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['npx', 'saddlepoint', 'train', ...args].map(quote).join(' ');
}

/** The last evaluation record of a run directory, or null without one. */
export function finalEval(dir: string): FinalEval | null {
  const last = readMetrics(join(dir, RUN_FILES.metrics)).filter((r) => r.kind === 'eval').at(-1);
  return last ? evalOf(last) : null;
}

/** The measured qualities of one evaluation record. */
function evalOf(last: Record<string, unknown>): FinalEval {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { step: Number(last.step), modes: num(last.modes), modesTotal: num(last.modesTotal), highQuality: num(last.highQuality), reverseKL: num(last.reverseKL), w1: num(last.w1) };
}

/** A planned run's outcome from how its rung ended (on this machine or a worker). */
function outcomeOf(run: PlannedRun, end: RungResult): RunOutcome {
  const { diverged } = end;
  const finished = end.exitCode === 0 && end.error === null;
  const evaluation = end.record ? evalOf(end.record) : null;
  let problem = diverged ?? (finished ? null : (end.lastStderr ?? end.error));
  if (end.exitCode === 0 && !finished) problem = end.error;
  return {
    remedy: run.remedy,
    seed: run.seed,
    dir: end.host === hostname() && end.dir === run.dir ? run.dir : `${end.host}:${end.dir}`,
    ok: finished,
    exitCode: end.exitCode === 0 && !finished ? 1 : end.exitCode,
    signal: end.signal,
    lastStderr: problem,
    wallSeconds: finished ? end.wallSeconds : null,
    processSeconds: end.processSeconds,
    backend: end.backend,
    eval: evaluation,
  };
}

/** Options of {@link runCompare}. */
export interface CompareOptions {
  /** The base config's sources (preset, files, --set, --data, --loss, --steps, --backend); each remedy is resolved over them. */
  sources: ConfigSources;
  /** The base's `train` arguments, so each row can say which command reproduces it. */
  command?: TrainCommand;
  /** Remedies (names or `+` combinations), in table order. */
  remedies: readonly string[];
  seeds: readonly number[];
  out: string;
  /** Runs at once (child processes). */
  jobs: number;
  registry?: RemedyRegistry;
  /** PNG pixels per chart pixel (default 2). */
  scale?: number;
  /** Environment of the children (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called once the grid is planned and validated, before the first child starts. */
  onPlanned?(plan: readonly PlannedRun[]): void;
  /** Called as each run finishes, with how many have. */
  onRunEnd?(outcome: RunOutcome, finished: number, total: number): void;
  /** Polled before each launch: true launches nothing more (Ctrl-C); running children finish. */
  shouldStop?(): boolean;
  /** Notes such as a chart that could not be drawn. */
  warn?(message: string): void;
  /** Train through this Redis queue (`saddlepoint worker`s pull the runs) instead of local children. */
  queue?: QueueAddress;
  /** Where the grid's runs are recorded (as a sweep of its own); none leaves the index alone. */
  index?: RunIndex;
  /** The grid's sweep id in the index and the queue (default `compare-<data>-<date>`). */
  id?: string;
}

/**
 * Runs the grid remedies × seeds, `jobs` children at a time, and writes `results.json`,
 * `results.md` and `results.png` in `out` (atomically). Every config is validated before the
 * first child starts; a failed run is reported in the table and the others still aggregate.
 *
 * @example
 * const summary = await runCompare({ sources: { preset: 'ring8' }, remedies: ['none', 'spectral-norm'], seeds: [0, 1, 2], out: 'runs/cmp', jobs: 2 });
 * if (summary.failed) process.exitCode = 1;
 */
export async function runCompare(options: CompareOptions): Promise<CompareSummary> {
  const { sources, remedies, seeds, registry = REMEDIES } = options;
  const out = resolve(options.out);
  const date = new Date().toISOString();
  const base = resolveConfig(sources);
  const jobs = Math.max(1, Math.min(options.jobs, remedies.length * seeds.length));
  // Parallel runs share the cores: one BLAS thread each, written into every config (see planCompare).
  const plan = planCompare(sources, remedies, seeds, out, registry, jobs > 1 ? 1 : undefined);
  const env = options.env ?? process.env;
  options.onPlanned?.(plan);
  // compare is a thin sweep: one rung (the whole run) per remedy and seed, on the local pool or the queue.
  const steps = plan[0]?.config.steps ?? base.steps;
  const odd = plan.find((p) => p.config.steps !== steps);
  if (odd) throw new ConfigError(`compare: remedy "${odd.remedy}" changes steps to ${odd.config.steps}; every row must train the same ${steps} steps`);
  const width = String(Math.max(0, plan.length - 1)).length;
  const trials: Trial[] = plan.map((p, index) => ({ id: `t${String(index).padStart(width, '0')}`, index, point: remedies.indexOf(p.remedy), params: { [REMEDY_PARAM]: p.remedy, [SEED_PARAM]: p.seed }, config: p.config, steps }));
  const byTrial = new Map(trials.map((t, i) => [t.id, plan[i]]));
  // The index ranks a compare's runs by W1 (every data set has it); the table shows every metric.
  const metric: SweepMetricName = 'w1';
  const sweepPlan: SweepPlan = { trials, rungs: [steps], metric, direction: metricDirection({ metric: { name: metric } }), points: remedies.length, seeds: [...seeds] };
  const spec: SweepSpec = parseSweepSpec({ name: 'compare', base: { set: [] }, remedies: [...remedies], seeds: [...seeds], metric: { name: metric }, budget: { steps }, strategy: { name: 'grid' } });
  const outcomes: RunOutcome[] = [];
  const result = await runSweep({
    spec,
    plan: sweepPlan,
    out,
    jobs,
    env,
    queue: options.queue,
    index: options.index,
    id: options.id ?? defaultSweepId(`compare-${base.data.kind}`, new Date(date)),
    trialPath: (t) => relative(out, byTrial.get(t.id)!.dir),
    requireMetric: false,
    writeReport: false,
    shouldStop: options.shouldStop,
    warn: options.warn,
    onRungEnd(end) {
      if (end.interrupted) return;
      outcomes.push(outcomeOf(byTrial.get(end.trial.id)!, end));
      options.onRunEnd?.(outcomes.at(-1)!, outcomes.length, plan.length);
    },
  });
  const interrupted = result.interrupted;
  const order = (r: RunOutcome) => plan.findIndex((p) => p.remedy === r.remedy && p.seed === r.seed);
  outcomes.sort((a, b) => order(a) - order(b));
  const rows = aggregateRuns(remedies, outcomes, registry);
  const backends = [...new Set(outcomes.map((r) => r.backend).filter((b): b is string => b !== null))];
  const files = { json: join(out, COMPARE_FILES.json), markdown: join(out, COMPARE_FILES.markdown), png: join(out, COMPARE_FILES.png) as string | null };
  const summary: CompareSummary = {
    data: base.data.kind,
    loss: base.loss.name,
    steps: base.steps,
    seeds: [...seeds],
    date,
    backend: backends.length ? backends.join(', ') : base.backend,
    jobs,
    out,
    failed: outcomes.filter((r) => !r.ok).length,
    interrupted,
    files,
    rows,
    runs: outcomes,
    commands: options.command
      ? Object.fromEntries(remedies.map((remedy) => {
          const row = plan.find((p) => p.remedy === remedy)!.config;
          return [remedy, shellCommand([...options.command!.args, ...rowArgs(base, row, remedy), '--seed', '<seed>'])];
        }))
      : null,
  };
  try {
    const spec = compareChart(rows, {
      title: `Remedies on ${summary.data} with the ${summary.loss} loss`,
      subtitle: `${summary.steps} steps · bar: mean over ${seeds.length === 1 ? '1 seed' : `${seeds.length} seeds`}, line: ± standard error, dots: single runs`,
      modesTotal: rows.map((r) => r.modesTotal).find((t) => t !== null),
    });
    writeFileAtomic(files.png!, await renderPng(spec, { scale: options.scale ?? 2 }));
  } catch (err) {
    files.png = null;
    options.warn?.(`results.png not drawn: ${err instanceof Error ? err.message : String(err)}`);
  }
  writeFileAtomic(files.markdown, compareMarkdown(summary));
  writeJsonAtomic(files.json, summary);
  return summary;
}

export type { ChildOptions } from './train-child.ts';
