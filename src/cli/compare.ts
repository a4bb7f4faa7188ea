import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { PRESET_NAMES, PRESETS, parseRemedyList, REMEDIES, REMEDY_NAMES, resolveConfig } from '../config/index.ts';
import { LOSS_NAMES } from '../losses/index.ts';
import { compareMarkdown, openRunIndex, parseQueueUrl, runCompare, type RunOutcome } from '../node/index.ts';
import { BACKEND_NAMES } from '../tensor/index.ts';
import { onInterrupt } from './interrupt.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';
import { sourcesFromFlags } from './train.ts';

interface CompareFlags {
  data?: string;
  loss?: string;
  remedies: string;
  seeds: string;
  steps?: string;
  jobs?: string;
  out?: string;
  preset?: string;
  config: string[];
  set: string[];
  backend?: string;
  /** commander's negation of --no-recommended. */
  recommended?: boolean;
  json?: boolean;
  queue?: string;
  index?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const DEFAULT_REMEDIES = 'none,spectral-norm,minibatch-std,pac2,wgan-gp';

/** `runs/compare-20261123-150402-ring8-non-saturating`: a new folder per comparison. */
function defaultOut(data: string, loss: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return `runs/compare-${stamp}-${data}-${loss}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function progressLine(r: RunOutcome, finished: number, total: number): string {
  const head = `[${finished}/${total}] ${r.remedy} seed ${r.seed}:`;
  if (!r.ok) {
    const exit = r.exitCode !== null ? `exit ${r.exitCode}` : `signal ${r.signal ?? '?'}`;
    return `${head} FAILED (${exit}) after ${r.processSeconds.toFixed(1)} s: ${r.lastStderr ?? 'nothing on stderr'}`;
  }
  const e = r.eval;
  const modes = e?.modes != null ? `${e.modes}${e.modesTotal != null ? `/${e.modesTotal}` : ''} modes` : `W1 ${e?.w1?.toFixed(3) ?? '–'}`;
  return `${head} ${modes}, ${(r.wallSeconds ?? r.processSeconds).toFixed(1)} s`;
}

async function compare(flags: CompareFlags): Promise<void> {
  // Every check on input comes before the first child starts: a typo costs nothing.
  const remedies = parseRemedyList(flags.remedies);
  const seedCount = positiveIntFlag('--seeds', flags.seeds)!;
  const queue = flags.queue === undefined ? undefined : parseQueueUrl(flags.queue);
  const jobs = positiveIntFlag('--jobs', flags.jobs) ?? (queue ? Number.MAX_SAFE_INTEGER : availableParallelism());
  const preset = flags.preset ?? (flags.config.length ? undefined : flags.data !== undefined && Object.hasOwn(PRESETS, flags.data) ? flags.data : 'ring8');
  const trainFlags = {
    preset,
    config: flags.config,
    // --data goes before the user's --set, so `--data ring --set data.modes=6` works.
    set: [...(flags.data !== undefined ? [`data.kind=${flags.data}`] : []), ...flags.set],
    loss: flags.loss,
    steps: flags.steps,
    backend: flags.backend,
    recommended: flags.recommended,
    out: flags.out ?? '',
    report: false,
  };
  const sources = sourcesFromFlags(trainFlags);
  const base = resolveConfig(sources);
  // The same base as `train` arguments, so each row can print the command that reproduces it.
  const trainArgs = [
    ...(preset !== undefined ? ['--preset', preset] : []),
    ...flags.config.flatMap((f) => ['--config', f]),
    ...trainFlags.set.flatMap((x) => ['--set', x]),
    ...(flags.loss !== undefined ? ['--loss', flags.loss] : []),
    ...(flags.steps !== undefined ? ['--steps', flags.steps] : []),
    ...(flags.backend !== undefined ? ['--backend', flags.backend] : []),
    ...(flags.recommended === false ? ['--no-recommended'] : []),
  ];
  const seeds = Array.from({ length: seedCount }, (_, i) => base.seed + i);
  const out = flags.out ?? defaultOut(base.data.kind, base.loss.name);

  const interrupt = onInterrupt(
    queue ? 'stopping: nothing more is enqueued and compare stops waiting; the queued runs stay with the workers' : 'stopping: no new runs; waiting for the running ones (Ctrl-C again to quit now)',
  );
  const index = flags.index === undefined ? undefined : openRunIndex(flags.index);
  try {
    const summary = await runCompare({
      sources,
      queue,
      index,
      command: { args: trainArgs },
      remedies,
      seeds,
      out,
      jobs,
      onPlanned(plan) {
        const parallel = Math.min(jobs, plan.length);
        const threads = parallel > 1 ? (base.threads === 'auto' ? ' (threads=1 each)' : ` (threads=${base.threads} each, as set)`) : '';
        const where = queue ? `through the queue ${queue.shown}${threads}` : `${parallel} at a time${threads}`;
        process.stderr.write(
          `saddlepoint compare · data ${base.data.kind} · loss ${base.loss.name} · ${base.steps} steps · ${plural(remedies.length, 'remedy', 'remedies')} × ${plural(seeds.length, 'seed', 'seeds')} = ${plural(plan.length, 'run', 'runs')}, ${where}\n` +
            `output: ${out}${index ? ` · index: ${flags.index}` : ''}\n`,
        );
        if (queue) process.stderr.write(`waiting for workers: npx saddlepoint worker --queue ${queue.shown}\n`);
      },
      onRunEnd: (r, finished, total) => process.stderr.write(`${progressLine(r, finished, total)}\n`),
      shouldStop: interrupt.requested,
      warn: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    process.stdout.write(compareMarkdown(summary));
    const shown = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
    process.stderr.write(`results: ${[summary.files.markdown, summary.files.json, summary.files.png].filter((p): p is string => p !== null).map(shown).join(', ')}\n`);
    if (summary.failed) process.stderr.write(`${summary.failed} of ${summary.runs.length} runs failed; see the table and each run's train.log\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exitCode = summary.interrupted ? 130 : summary.failed ? 1 : 0;
  } finally {
    interrupt.dispose();
    index?.close();
  }
}

function remedyHelp(): string {
  const width = Math.max(...REMEDY_NAMES.map((n) => n.length)) + 2;
  return REMEDY_NAMES.map((n) => `  ${n.padEnd(width)}${REMEDIES[n].summary}`).join('\n');
}

/** Registers `saddlepoint compare`. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('train the grid remedies × seeds in parallel and tabulate mean ± standard error of modes, HQ %, reverse KL, W1 and wall time')
    .option('--data <kind>', `data kind, e.g. ring8, grid25 (a preset of that name is the base when no --preset/--config)`)
    .option('--loss <name>', `loss family of the base config: ${LOSS_NAMES.join(', ')}`)
    .option('--remedies <list>', 'comma-separated remedies; join several with + (e.g. spectral-norm+pac2)', DEFAULT_REMEDIES)
    .option('--seeds <n>', 'seeds per remedy: the base seed and the next n − 1', '3')
    .option('--steps <n>', 'generator steps per run (every run is evaluated at its last step)')
    .option('--jobs <n>', `runs at once, one child process each (default: the number of CPUs, ${availableParallelism()} here)`)
    .option('--out <dir>', 'output folder: results.md, results.json, results.png and <remedy>/seed-<s>/ (default runs/compare-<date>-<data>-<loss>)')
    .option('--preset <name>', `base config: ${PRESET_NAMES.join(', ')}`)
    .option('--config <file>', 'JSON or YAML config file, merged over the preset (repeatable)', collect, [])
    .option('--set <key=value>', 'override one field of the base config, e.g. --set model.d.hidden=[64] (repeatable)', collect, [])
    .option('--backend <name>', `tensor backend of every run: ${BACKEND_NAMES.join(', ')}`)
    .option('--no-recommended', 'run each remedy with the base settings only, without the settings it recommends (its paper\'s k, Adam β, λ …)')
    .option('--json', 'print the JSON summary (results.json) as the last line of stdout')
    .option('--queue <url>', 'train the runs through this Redis (redis://[:password@]host:port[/db]): `saddlepoint worker`s on any machine pull them')
    .option('--index <file>', 'also record the runs in this run index (SQLite), as a sweep of their own')
    .addHelpText(
      'after',
      `\nRemedies:\n${remedyHelp()}\n\n` +
        'Each run is a child process (saddlepoint train), so a crash loses that run only; it is listed in the table with its\n' +
        'exit code and last stderr line, and the exit code is 1. With --jobs > 1 every run gets threads=1 (one OpenBLAS\n' +
        'thread; unless you --set threads), so parallel runs do not fight over the cores on the native backend. The thread\n' +
        'count changes the numbers, so it is written into each config, and results.md lists the train command of each row.\n' +
        'Ctrl-C launches no new runs and writes the table of those that ran. compare is a sweep of one rung per run: --queue\n' +
        'hands the runs to workers like `sweep --queue` does, with the same table at the end.\n\n' +
        'Examples:\n' +
        '  npx saddlepoint compare --data ring8 --loss non-saturating --remedies none,spectral-norm,minibatch-std,pac2,wgan-gp --seeds 5 --steps 2000\n' +
        '  npx saddlepoint compare --remedies none,spectral-norm+pac2,wgan-gp+k5 --seeds 3 --out runs/cmp --json',
    )
    .action((flags: CompareFlags) => compare(flags).catch(exitWithError));
}
