import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseConfigText } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { openRunIndex, defaultSweepId, planSweep, runSweep, SWEEP_FILES, type RungEnd } from '../node/index.ts';
import { describeParams, parseSweepSpec, SWEEP_METRIC_NAMES, type SweepSpec } from '../sweep/index.ts';
import { onInterrupt } from './interrupt.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';

interface SweepFlags {
  jobs?: string;
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

async function sweep(specPath: string, flags: SweepFlags): Promise<void> {
  const { spec, readConfig } = readSweepSpec(specPath, flags.set);
  const jobs = positiveIntFlag('--jobs', flags.jobs) ?? availableParallelism();
  const plan = planSweep(spec, readConfig);
  if (flags.dryRun) {
    process.stdout.write(`sweep ${spec.name} · ${spec.strategy.name} · ${plan.trials.length} trials (${plan.points} point${plan.points === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}) · rungs ${plan.rungs.join(' → ')} steps · metric ${plan.metric} (${plan.direction})\n`);
    for (const t of plan.trials) process.stdout.write(`${t.id}  ${describeParams(t.params)}  · ${t.config.data.kind} · ${t.config.loss.name} · ${t.steps} steps\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ rungs: plan.rungs, trials: plan.trials.map(({ id, params, steps, config }) => ({ id, params, steps, config })) })}\n`);
    return;
  }
  const id = defaultSweepId(spec.name);
  const out = flags.out ?? `runs/sweep-${id}`;
  const index = flags.index === false ? undefined : openRunIndex(flags.index);
  const interrupt = onInterrupt('stopping: no new trials; waiting for the running ones (Ctrl-C again to quit now)');
  try {
    const result = await runSweep({
      spec,
      readConfig,
      out,
      jobs,
      index,
      id,
      onPlanned(p) {
        process.stderr.write(
          `saddlepoint sweep ${spec.name} · ${spec.strategy.name} · ${p.trials.length} trials · rungs ${p.rungs.join(' → ')} steps · metric ${p.metric} (${p.direction}) · ${Math.min(jobs, p.trials.length)} at a time\n` +
            `output: ${out}${index ? ` · index: ${flags.index} (sweep ${id})` : ''}\n`,
        );
      },
      onAction(action, trial) {
        if (action.kind === 'resume') process.stderr.write(`[${trial.id}] promoted: resuming to ${action.steps} steps\n`);
        if (action.kind === 'stop') process.stderr.write(`[${trial.id}] stopped at ${action.steps} steps\n`);
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
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .argument('<spec>', 'sweep spec, YAML or JSON (see examples/sweeps/)')
    .description('run a search over configs, remedies and seeds (grid, random or ASHA) on a local process pool; results go to the run index')
    .option('--jobs <n>', `trials at once, one child process each (default: the number of CPUs, ${availableParallelism()} here)`)
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
        'Examples:\n  npx saddlepoint sweep examples/sweeps/ring8-remedies.yaml --jobs 2\n  npx saddlepoint sweep examples/sweeps/ring8-asha.yaml --dry-run',
    )
    .action((spec: string, flags: SweepFlags) => sweep(spec, flags).catch(exitWithError));
}
