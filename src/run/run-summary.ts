/**
 * A run at a glance, from what its directory holds: the config's few facts a list shows, where
 * the run stands, and its latest records. Pure: the caller reads the files and the lock.
 */
import { z } from 'zod';

/** Where a run stands: a live process writes it; it reached its steps; it diverged; or it stopped before its end (Ctrl-C, a kill, a crash). */
export type RunState = 'running' | 'finished' | 'failed' | 'interrupted';

/** The lock as the caller found it: held by a live process, left by a dead one, or absent. */
export type LockState = 'live' | 'stale' | 'none';

/** What a list of runs shows of one. */
export interface RunSummary {
  data: string;
  loss: string;
  /** Stabilizer names, in the order the config applies them. */
  stabilizers: string[];
  /** The steps the config asks for. */
  steps: number | null;
  seed: number | null;
  status: RunState;
  /** Steps trained so far (the last step record's). */
  step: number;
  /** The last step record, as stored. */
  lastStep: Record<string, unknown> | null;
  /** The last eval record, as stored. */
  lastEval: Record<string, unknown> | null;
  /** Why a failed run failed (the divergence record's message). */
  reason?: string;
}

// Read leniently: a config from an older build still lists, with what it has.
const configFacts = z.object({
  data: z.object({ kind: z.string() }).catch({ kind: '?' }),
  loss: z.object({ name: z.string() }).catch({ name: '?' }),
  stabilizers: z.array(z.object({ name: z.string() })).catch([]),
  steps: z.number().nullable().catch(null),
  seed: z.number().nullable().catch(null),
});

function lastOfKind(records: readonly Record<string, unknown>[], kind: string): Record<string, unknown> | null {
  for (let i = records.length - 1; i >= 0; i--) if (records[i].kind === kind) return records[i];
  return null;
}

/**
 * Summarizes a run from its stored config, its records (as parsed from `metrics.jsonl`) and its
 * lock: `running` while a live process holds the lock; else `failed` when a divergence was
 * recorded, `finished` when the last step reached the config's steps and was evaluated (as the
 * run's end does), otherwise `interrupted`.
 *
 * @example
 * summarizeRun(config, readMetrics(path), 'none').status // 'finished'
 */
export function summarizeRun(config: unknown, records: readonly Record<string, unknown>[], lock: LockState): RunSummary {
  const facts = configFacts.parse(config ?? {});
  const lastStep = lastOfKind(records, 'step');
  const lastEval = lastOfKind(records, 'eval');
  const diverged = lastOfKind(records, 'diverged');
  const step = typeof lastStep?.step === 'number' ? lastStep.step : 0;
  const reached = facts.steps !== null && step >= facts.steps && lastEval?.step === step;
  const status: RunState = lock === 'live' ? 'running' : diverged ? 'failed' : reached ? 'finished' : 'interrupted';
  return {
    data: facts.data.kind,
    loss: facts.loss.name,
    stabilizers: facts.stabilizers.map((s) => s.name),
    steps: facts.steps,
    seed: facts.seed,
    status,
    step,
    lastStep,
    lastEval,
    ...(status === 'failed' && diverged ? { reason: String(diverged.message ?? 'diverged') } : {}),
  };
}

/** One run of the runs API's list (`GET /api/runs`): its name (its path under the runs folder, `/`-separated) and summary, or what could not be read. */
export type RunListing = ({ name: string; startedAt: string; updatedAt: string; report: boolean } & RunSummary) | { name: string; error: string };

/** The runs API's list. */
export interface RunList {
  /** The runs folder served. */
  root: string;
  /** Newest first. */
  runs: RunListing[];
}

/** One run in full (`GET /api/runs/<name>`): the stored config (with its `_run` facts), every record, and the run's files. */
export interface RunDetail extends RunSummary {
  name: string;
  config: Record<string, unknown>;
  records: Record<string, unknown>[];
  /** The byte length of `metrics.jsonl` the records end at: a live stream from here repeats and misses nothing. */
  offset: number;
  /** Steps with a `samples/<step>.json` snapshot, ascending. */
  samples: number[];
  /** `report.html` when the run has one. */
  report: string | null;
  /** Plot files, relative to the run (`plots/losses.png`). */
  plots: string[];
}
