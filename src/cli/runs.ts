import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, DataError } from '../errors.ts';
import { indexRunDirs, openRunIndex, parseQueueUrl, QueueRunner, readSweepState, rungJobId, type IndexedRun, type RunIndex, type RungProgress } from '../node/index.ts';
import { describeParams, type ParamValue } from '../sweep/index.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';
import { DEFAULT_INDEX } from './sweep.ts';

interface IndexFlags {
  index: string;
  json?: boolean;
}

/** Opens an index that must already exist (reading commands never create an empty one). */
function openExisting(path: string): RunIndex {
  if (!existsSync(path)) throw new DataError(`no run index here; run a sweep, or fill one with: npx saddlepoint runs index runs/ --index ${path}`, path);
  return openRunIndex(path);
}

function withIndex<T>(path: string, fn: (index: RunIndex) => T): T {
  const index = openExisting(path);
  try {
    return fn(index);
  } finally {
    index.close();
  }
}

const num = (v: number | undefined, digits: number) => (v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** One line per run: a fixed set of columns a reader scans. */
function table(runs: readonly IndexedRun[]): string {
  const cfg = (r: IndexedRun) => r.config as { data?: { kind?: string }; loss?: { name?: string }; seed?: number };
  const rows = runs.map((r) => [
    r.id,
    r.status,
    String(r.steps ?? '–'),
    cfg(r).data?.kind ?? '–',
    cfg(r).loss?.name ?? '–',
    String(cfg(r).seed ?? '–'),
    r.metrics?.modes === undefined ? '–' : `${r.metrics.modes}${r.metrics.modesTotal !== undefined ? `/${r.metrics.modesTotal}` : ''}`,
    r.metrics?.highQuality === undefined ? '–' : (100 * r.metrics.highQuality).toFixed(1),
    num(r.metrics?.w1, 3),
    r.wallSeconds === null ? '–' : r.wallSeconds.toFixed(1),
  ]);
  const head = ['id', 'status', 'steps', 'data', 'loss', 'seed', 'modes', 'HQ %', 'W1', 'wall s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** Registers `saddlepoint runs list|show|best|index`. */
export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('query the run index (SQLite): runs and sweeps with config, status, timing and final metrics');
  const indexOption = ['--index <file>', 'the run index', DEFAULT_INDEX] as const;

  runs
    .command('list')
    .description('list runs, filtered and sorted')
    .option(...indexOption)
    .option('--sweep <id>', 'only the trials of this sweep')
    .option('--where <filter>', 'clauses key<op>value joined by "," or " and ", e.g. loss=wgan-gp,modes>=7 (keys: columns, loss/data/seed/backend, metrics, config.<path>, param.<key>)')
    .option('--sort <keys>', 'comma-separated keys, - for descending, e.g. -modes,w1')
    .option('--limit <n>', 'at most n runs')
    .option('--json', 'print the runs as JSON')
    .action((flags: IndexFlags & { sweep?: string; where?: string; sort?: string; limit?: string }) => {
      try {
        const found = withIndex(flags.index, (index) => index.listRuns({ sweep: flags.sweep, where: flags.where, sort: flags.sort, limit: positiveIntFlag('--limit', flags.limit) }));
        process.stdout.write(flags.json ? `${JSON.stringify(found)}\n` : `${table(found)}\n${found.length} run${found.length === 1 ? '' : 's'}\n`);
      } catch (err) {
        exitWithError(err);
      }
    });

  runs
    .command('show')
    .argument('<id>', 'run id, as runs list prints it')
    .description('one run: config, params, status, host, timing, final metrics')
    .option(...indexOption)
    .action((id: string, flags: IndexFlags) => {
      try {
        const run = withIndex(flags.index, (index) => index.getRun(id));
        if (!run) throw new ConfigError(`runs show: no run "${id}" in ${flags.index}; see npx saddlepoint runs list`);
        process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      } catch (err) {
        exitWithError(err);
      }
    });

  runs
    .command('best')
    .description("a sweep's best run by its metric (or --metric), among the runs that trained furthest")
    .requiredOption('--sweep <id>', 'the sweep')
    .option('--metric <name>', "final metric to rank by (default: the sweep's)")
    .option('--direction <max|min>', "max or min (default: the sweep's)")
    .option(...indexOption)
    .option('--json', 'print the run as JSON')
    .action((flags: IndexFlags & { sweep: string; metric?: string; direction?: string }) => {
      try {
        const { run, metric } = withIndex(flags.index, (index) => {
          const sweep = index.getSweep(flags.sweep);
          if (!sweep && (flags.metric === undefined || flags.direction === undefined)) {
            throw new ConfigError(`runs best: no sweep "${flags.sweep}" in ${flags.index}; give --metric and --direction to rank runs tagged with it`);
          }
          const m = flags.metric ?? sweep!.metric;
          const direction = flags.direction ?? sweep!.direction;
          if (direction !== 'max' && direction !== 'min') throw new ConfigError(`--direction: got "${direction}"; allowed: max, min`);
          return { run: index.bestRun(flags.sweep, m, direction), metric: m };
        });
        if (!run) throw new DataError(`no run of sweep "${flags.sweep}" has a value of ${metric}`, flags.index);
        process.stdout.write(flags.json ? `${JSON.stringify(run)}\n` : `${table([run])}\nbest by ${metric}: ${run.id} (${run.dir ?? 'no directory'})\n`);
      } catch (err) {
        exitWithError(err);
      }
    });

  runs
    .command('index')
    .argument('<dirs...>', 'folders to scan for run directories (config.json + metrics.jsonl), e.g. runs/')
    .description('add the run directories under folders to the index (again: updates, never duplicates)')
    .option(...indexOption)
    .option('--sweep <id>', 'tag the scanned runs with a sweep id')
    .action((dirs: string[], flags: IndexFlags & { sweep?: string }) => {
      try {
        const index = openRunIndex(flags.index);
        try {
          const ids = dirs.flatMap((d) => indexRunDirs(index, d, { sweep: flags.sweep }));
          process.stdout.write(`indexed ${ids.length} run director${ids.length === 1 ? 'y' : 'ies'} into ${flags.index}\n`);
        } finally {
          index.close();
        }
      } catch (err) {
        exitWithError(err);
      }
    });
}

/** One line per trial of a sweep, with the job's state in the queue when known. */
function statusTable(runs: readonly IndexedRun[], metric: string, jobs: Map<string, { state: string; progress: RungProgress | null; attempts: number }>): string {
  const rows = runs.map((r) => {
    const job = jobs.get(r.trial ?? '');
    const value = r.metrics?.[metric];
    return [
      r.trial ?? r.id,
      describeParams((r.params ?? {}) as Record<string, ParamValue>),
      r.status,
      r.host ?? '–',
      String(r.steps ?? '–'),
      value === undefined ? '–' : num(value, 4),
      r.wallSeconds === null ? '–' : r.wallSeconds.toFixed(1),
      job ? `${job.state}${job.attempts > 1 ? ` (attempt ${job.attempts})` : ''}` : '',
    ];
  });
  const head = ['trial', 'params', 'status', 'host', 'step', metric, 'wall s', jobs.size ? 'job' : ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** Registers `saddlepoint sweep status ID` on the sweep command. */
export function registerSweepStatus(sweep: Command): void {
  sweep
    .command('status')
    .argument('<id>', 'the sweep id the sweep printed (or see: npx saddlepoint runs list)')
    .description("a sweep's progress from the run index: each trial's status, host, step and metric; with --queue, each running job's state")
    .option('--index <file>', 'the run index', DEFAULT_INDEX)
    .option('--queue <url>', 'also ask this Redis for the state of the sweep\'s jobs in flight')
    .option('--json', 'print the sweep and its trials as JSON')
    .action(async (id: string, _local: unknown, command: Command) => {
      try {
        // sweep's own --index, --queue and --json come first on the command line and take these flags.
        const flags = command.optsWithGlobals<IndexFlags & { queue?: string }>();
        if (typeof flags.index !== 'string') throw new ConfigError('sweep status: reads the run index; give --index FILE, not --no-index');
        const { sweep, runs } = withIndex(flags.index, (index) => {
          const found = index.getSweep(id);
          if (!found) {
            const known = index.listSweeps().slice(0, 5).map((s) => s.id);
            throw new ConfigError(`sweep status: no sweep "${id}" in ${flags.index}${known.length ? `; the newest: ${known.join(', ')}` : '; it holds no sweep'}`);
          }
          return { sweep: found, runs: index.listRuns({ sweep: id, sort: 'trial' }) };
        });
        const jobs = new Map<string, { state: string; progress: RungProgress | null; attempts: number }>();
        if (flags.queue !== undefined) {
          const address = parseQueueUrl(flags.queue);
          const inFlight = sweep.out && existsSync(sweep.out) ? readSweepState(sweep.out).inFlight : [];
          const runner = await QueueRunner.open(address);
          try {
            const states = await runner.jobStates(inFlight.map((a) => rungJobId(id, a.trial, a.steps)));
            for (const a of inFlight) {
              const s = states.get(rungJobId(id, a.trial, a.steps));
              jobs.set(a.trial, s ?? { state: 'not queued', progress: null, attempts: 0 });
            }
          } finally {
            await runner.close();
          }
        }
        const counts = new Map<string, number>();
        for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ sweep: { ...sweep, spec: undefined }, counts: Object.fromEntries(counts), runs, jobs: Object.fromEntries(jobs) })}\n`);
          return;
        }
        const started = runs.length;
        process.stdout.write(
          `sweep ${sweep.id} · ${sweep.strategy} · metric ${sweep.metric} (${sweep.direction}) · ${sweep.status} · started ${sweep.startedAt ?? '?'} on ${sweep.host ?? '?'}${sweep.finishedAt ? ` · ended ${sweep.finishedAt}` : ''}\n` +
            `${sweep.trials} trials: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}${started < sweep.trials ? `${counts.size ? ', ' : ''}${sweep.trials - started} not started` : ''}\n` +
            `${statusTable(runs, sweep.metric, jobs)}\n`,
        );
      } catch (err) {
        exitWithError(err);
      }
    });
}
