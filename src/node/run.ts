import type { RunConfig } from '../config/index.ts';
import { resumeRun, startRun, type RunResult as SessionResult, type RunSinks, type RunStore } from '../run/index.ts';
import type { Finding } from '../doctor/index.ts';
import type { EvalRecord, FindingRecord, GanSession, InterventionRecord, StepRecord } from '../train/index.ts';
import { nodeDatasets, prepareData } from './datasets.ts';
import { fsRunStore } from './fs-store.ts';
import { createRunDir, readRunConfig } from './run-dir.ts';

/** A new run (`config`) or a resumed one (`resume`: its directory). */
export type RunOptions = {
  /** Folder that holds run directories (default `runs`). */
  outRoot?: string;
  /** Short label in a new run's directory name (e.g. the preset). */
  label?: string;
  /** Facts to store with the config (the backend chosen, versions). */
  facts?: Record<string, unknown>;
  /** Train until this total step count (a resumed run may be extended). */
  until?: number;
  onStart?(info: { runDir: string; config: RunConfig; startStep: number; session: GanSession }): void;
  onRecord?(record: StepRecord): void;
  onEval?(record: EvalRecord): void;
  onCheckpoint?(path: string): void;
  shouldStop?(): boolean;
  /** Diagnose live (`train --doctor`); findings become records and reach onFinding. */
  doctor?: boolean;
  /** Act on findings (`train --autopilot`), at most this many times. */
  autopilot?: { maxInterventions: number };
  onFinding?(record: FindingRecord, finding: Finding): void;
  onIntervention?(record: InterventionRecord, config: RunConfig): void;
  /** What the user should know but that does not stop the run (e.g. image files skipped as unreadable). */
  onWarning?(line: string): void;
} & ({ config: RunConfig; resume?: undefined } | { resume: string; config?: undefined });

/** How a run ended, with what `--json` prints. */
export interface RunResult {
  runDir: string;
  status: 'done' | 'stopped';
  steps: number;
  wallSeconds: number;
  stepsPerSecond: number;
  last?: StepRecord;
}

/**
 * Runs training in Node into a run directory (the {@link fsRunStore}): a new run gets a fresh
 * directory under `outRoot`; a resumed one continues its newest checkpoint. The run itself is
 * `runSession` (src/run). On divergence the run records the event, keeps the last good
 * checkpoint and rethrows a {@link DivergenceError} that names it.
 */
export async function runTraining(options: RunOptions): Promise<RunResult> {
  const sinks: RunSinks = {
    onRecord: options.onRecord,
    onEval: options.onEval && ((record) => options.onEval!(record)),
    onCheckpoint: options.onCheckpoint,
    shouldStop: options.shouldStop,
    onFinding: options.onFinding && ((record, finding) => void options.onFinding!(record, finding)),
  };
  const watch = { doctor: options.doctor ? (true as const) : undefined, autopilot: options.autopilot, onIntervention: options.onIntervention };
  let runDir: string;
  let result: SessionResult;
  const data = options.resume !== undefined ? (readRunConfig(options.resume).config as { data?: unknown } | null)?.data : options.config?.data;
  for (const skipped of await prepareData(data)) options.onWarning?.(`skipped ${skipped.file}: ${skipped.reason}`);
  if (options.resume !== undefined) {
    runDir = options.resume;
    const store = fsRunStore(runDir);
    try {
      result = await resumeRun(store, { datasets: nodeDatasets, until: options.until, facts: options.facts, sinks, ...watch, onStart: (info) => options.onStart?.({ runDir, ...info }) });
    } finally {
      await store.close();
    }
  } else {
    const config = options.until !== undefined ? { ...options.config, steps: options.until } : options.config;
    let store: RunStore | undefined;
    const open = () => {
      runDir = createRunDir(options.outRoot ?? 'runs', config, options.label ?? config.data.kind);
      return (store = fsRunStore(runDir));
    };
    try {
      result = await startRun(config, open, { datasets: nodeDatasets, facts: options.facts ?? {}, sinks, ...watch, onStart: (info) => options.onStart?.({ runDir, ...info }) });
    } finally {
      await store?.close();
    }
  }
  return {
    runDir: runDir!,
    status: result.status,
    steps: result.session.step,
    wallSeconds: result.wallSeconds,
    stepsPerSecond: result.stepsRun / Math.max(result.wallSeconds, 1e-9),
    last: result.last,
  };
}
