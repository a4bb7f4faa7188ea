import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseConfigText } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { openRunIndex, defaultSweepId, parseQueueUrl, planSweep, readSweepState, runSweep, SWEEP_FILES, type RungEnd } from '../node/index.ts';
import { describeParams, parseSweepSpec, SWEEP_METRIC_NAMES, type SweepSpec } from '../sweep/index.ts';
import { onInterrupt } from './interrupt.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';

interface SweepFlags {
  jobs?: string;
  queue?: string;
  resume?: string;
  out?: string;
  /** A path, or false with --no-index. */
  index: string | false;
  set: string[];
  dryRun?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The default run index of every command that writes or reads one. */
export const DEFAULT_INDEX = 'runs/index.sqlite';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads and validates a spec file; `--set` values join the spec's base.set (after it). */
export function readSweepSpec(path: string, sets: readonly string[] = []): { spec: SweepSpec; readConfig: (file: string) => Record<string, unknown> } {
  const raw = parseConfigText(readText(path, 'sweep spec'), path);
  const spec = parseSweepSpec(raw);
  const folder = dirname(resolve(path));
  return {
    spec: { ...spec, base: { ...spec.base, set: [...spec.base.set, ...sets] } },
    // Config files of the base are named relative to the spec, so a spec folder can move as a whole.
    readConfig: (file) => {
      const full = resolve(folder, file);
      return parseConfigText(readText(full, 'config file'), full);
    },
  };
}

function endLine(end: RungEnd, metric: string): string {
  const head = `[${end.trial.id}] ${describeParams(end.trial.params)} · ${end.action.steps} steps:`;
  if (end.interrupted) return `${head} ${end.error}; paused`;
  if (!end.ok) return `${head} FAILED after ${end.processSeconds.toFixed(1)} s: ${end.error}`;
  return `${head} ${metric} ${end.value} (${(end.wallSeconds ?? end.processSeconds).toFixed(1)} s)`;
}

function printPlan(spec: SweepSpec, plan: ReturnType<typeof planSweep>, json: boolean | undefined): void {
  process.stdout.write(`sweep ${spec.name} · ${spec.strategy.name} · ${plan.trials.length} trials (${plan.points} point${plan.points === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}) · rungs ${plan.rungs.join(' → ')} steps · metric ${plan.metric} (${plan.direction})\n`);
  for (const t of plan.trials) process.stdout.write(`${t.id}  ${describeParams(t.params)}  · ${t.config.data.kind} · ${t.config.loss.name} · ${t.steps} steps\n`);
  if (json) process.stdout.write(`${JSON.stringify({ rungs: plan.rungs, trials: plan.trials.map(({ id, params, steps, config }) => ({ id, params, steps, config })) })}\n`);
}

async function sweep(specPath: string | undefined, flags: SweepFlags): Promise<void> {
  const resume = flags.resume;
  if (resume === undefined && specPath === undefined) throw new ConfigError('sweep: give a spec file (see examples/sweeps/), or --resume DIR to continue an interrupted sweep');
  if (resume !== undefined && (specPath !== undefined || flags.set.length || flags.dryRun)) throw new ConfigError('--resume continues a sweep with its saved spec; give no spec file, --set or --dry-run with it');
  const queue = flags.queue === undefined ? undefined : parseQueueUrl(flags.queue);
  const jobsFlag = positiveIntFlag('--jobs', flags.jobs);
  let spec: SweepSpec;
  let readConfig: ((file: string) => Record<string, unknown>) | undefined;
  let id: string;
  let out: string;
  if (resume !== undefined) {
    const state = readSweepState(resume);
    ({ spec, id } = state);
    out = resume;
    if (state.queue !== null && queue === undefined) throw new ConfigError(`${resume}: this sweep ran through the queue ${state.queue}; give --queue with its URL to continue it`);
  } else {
    ({ spec, readConfig } = readSweepSpec(specPath!, flags.set));
    const plan = planSweep(spec, readConfig);
    if (flags.dryRun) return printPlan(spec, plan, flags.json);
    id = defaultSweepId(spec.name);
    out = flags.out ?? `runs/sweep-${id}`;
  }
  const jobs = jobsFlag ?? (queue ? Number.MAX_SAFE_INTEGER : availableParallelism());
  const index = flags.index === false ? undefined : openRunIndex(flags.index);
  const interrupt = onInterrupt(
    queue
      ? `stopping: nothing more is enqueued and the sweep stops waiting; queued and running trials stay with the workers. Continue with: npx saddlepoint sweep --resume ${out} --queue URL`
      : 'stopping: no new trials; waiting for the running ones (Ctrl-C again to quit now)',
  );
  const seen = new Set<string>();
  try {
    const result = await runSweep({
      spec,
      readConfig,
      out,
      jobs,
      queue,
      resume: resume !== undefined,
      index,
      id,
      onPlanned(p) {
        const where = queue ? `queue ${queue.shown}${jobsFlag ? ` · ${Math.min(jobsFlag, p.trials.length)} in flight` : ''}` : `${Math.min(jobs, p.trials.length)} at a time`;
        process.stderr.write(
          `saddlepoint sweep ${spec.name}${resume !== undefined ? ' (resumed)' : ''} · ${spec.strategy.name} · ${p.trials.length} trials · rungs ${p.rungs.join(' → ')} steps · metric ${p.metric} (${p.direction}) · ${where}\n` +
            `output: ${out}${index ? ` · index: ${flags.index} (sweep ${id})` : ''}\n`,
        );
        if (queue) process.stderr.write(`waiting for workers: npx saddlepoint worker --queue ${queue.shown}\n`);
      },
      onAction(action, trial) {
        if (action.kind === 'resume') process.stderr.write(`[${trial.id}] promoted: resuming to ${action.steps} steps\n`);
        if (action.kind === 'stop') process.stderr.write(`[${trial.id}] stopped at ${action.steps} steps\n`);
      },
      onProgress(trial, progress) {
        const key = `${trial.id}@${progress.host}:${progress.pid ?? ''}`;
        if (seen.has(key) || progress.pid === undefined) return;
        seen.add(key);
        process.stderr.write(`[${trial.id}] running on ${progress.host} (pid ${progress.pid})${progress.shared ? '' : ` in its own folder ${progress.dir}`}\n`);
      },
      onRungEnd: (end) => process.stderr.write(`${endLine(end, spec.metric.name)}\n`),
      shouldStop: interrupt.requested,
      warn: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    process.stdout.write(readFileSync(result.files.markdown, 'utf8'));
    const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
    process.stderr.write(`results: ${[result.files.markdown, result.files.json, result.files.bestConfig, result.files.png].filter((p): p is string => p !== null).map(shown).join(', ')} · ${result.wallSeconds.toFixed(1)} s\n`);
    const { counts } = result.report;
    if (counts.failed) process.stderr.write(`${counts.failed} of ${result.report.rows.length} trials failed; see the table and each trial's ${SWEEP_FILES.log}\n`);
    if (result.interrupted) process.stderr.write(`interrupted; continue with: npx saddlepoint sweep --resume ${shown(result.out)}${queue ? ` --queue ${queue.shown}` : ''}\n`);
    if (flags.json) {
      const { report, id: sweepId, out: dir, wallSeconds, interrupted, files } = result;
      process.stdout.write(`${JSON.stringify({ id: sweepId, out: dir, wallSeconds, interrupted, files, best: report.best, bestConfig: report.bestConfig, counts: report.counts, rows: report.rows })}\n`);
    }
    process.exitCode = result.interrupted ? 130 : counts.failed ? 1 : 0;
  } finally {
    interrupt.dispose();
    index?.close();
  }
}

/** Registers `saddlepoint sweep`. */
export function registerSweep(program: Command): Command {
  return program
    .command('sweep')
    .argument('[spec]', 'sweep spec, YAML or JSON (see examples/sweeps/)')
    .description('run a search over configs, remedies and seeds (grid, random or ASHA) on a local process pool or through a Redis queue to workers; results go to the run index')
    .option('--jobs <n>', `trials at once: local child processes (default: the number of CPUs, ${availableParallelism()} here), or with --queue rungs in the queue at once (default: all)`)
    .option('--queue <url>', 'enqueue the trials on this Redis (redis://[:password@]host:port[/db]) for `saddlepoint worker`s to train, on this or other machines')
    .option('--resume <dir>', 'continue the interrupted sweep in this --out folder (its spec, trials and finished rungs are kept)')
    .option('--out <dir>', 'output folder: sweep.md, sweep.json, best-config.json, sweep.png and trials/<id>/ (default runs/sweep-<name>-<date>)')
    .option('--index <file>', 'run index (SQLite) to record the sweep and its trials in', DEFAULT_INDEX)
    .option('--no-index', 'do not record the sweep in a run index')
    .option('--set <key=value>', "override one field of every trial's base config, after the spec's base.set (repeatable)", collect, [])
    .option('--dry-run', 'validate the spec and every trial config, print the plan, run nothing')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .addHelpText(
      'after',
      `\nA spec names a base config (preset, config files, set), a space of config paths (values, grid {min,max,step}, range, log-uniform,\n` +
        `int, choice), remedies (combined with +), seeds, a metric (${SWEEP_METRIC_NAMES.join(', ')}) with direction max|min, a budget\n` +
        `(trials, steps) and a strategy: grid, random, or asha {minSteps, reductionFactor, maxSteps}. ASHA resumes a promoted trial from\n` +
        `its checkpoint (train --resume DIR --steps S). Every trial config is validated before the first child starts.\n\n` +
        `With --queue, workers on any machine pull the rungs (npx saddlepoint worker --queue URL); a worker that dies hands its\n` +
        `trial to another, which continues from the last checkpoint when it sees the sweep's folder (a shared path) or starts it again.\n\n` +
        'Examples:\n  npx saddlepoint sweep examples/sweeps/ring8-remedies.yaml --jobs 2\n  npx saddlepoint sweep examples/sweeps/ring8-asha.yaml --dry-run\n' +
        '  npx saddlepoint sweep examples/sweeps/ring8-remedies.yaml --queue redis://127.0.0.1:6379 --out /shared/runs/r8\n  npx saddlepoint sweep --resume /shared/runs/r8 --queue redis://127.0.0.1:6379\n  npx saddlepoint sweep status ring8-remedies-20261202-031500',
    )
    .action((spec: string | undefined, flags: SweepFlags) => sweep(spec, flags).catch(exitWithError));
}
