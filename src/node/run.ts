import { join } from 'node:path';
import { parseOrThrow } from '../config/errors.ts';
import { runConfigSchema, type RunConfig } from '../config/schema.ts';
import { DivergenceError } from '../errors.ts';
import { buildSession } from '../train/build.ts';
import { encodeCheckpoint, restoreCheckpoint } from '../train/checkpoint.ts';
import { evaluate } from '../train/evaluator.ts';
import { trainLoop, type TrainOutcome } from '../train/loop.ts';
import type { EvalRecord, StepRecord } from '../train/records.ts';
import { writeJsonAtomic } from './atomic.ts';
import type { GanSession } from '../train/session.ts';
import { loadPointsFile } from './points-file.ts';
import {
  MetricsWriter,
  RUN_FILES,
  createRunDir,
  latestCheckpoint,
  listCheckpoints,
  readRunConfig,
  truncateMetrics,
  writeCheckpoint,
  writeRunConfig,
} from './run-dir.ts';

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
} & ({ config: RunConfig; resume?: undefined } | { resume: string; config?: undefined });

/** How a run ended, with what `--json` prints. */
export interface RunResult {
  runDir: string;
  status: TrainOutcome['status'];
  steps: number;
  wallSeconds: number;
  stepsPerSecond: number;
  last?: StepRecord;
}

/**
 * Runs training in Node with everything a run directory holds: config.json, metrics.jsonl,
 * atomic checkpoints, resume. On divergence it records the event, keeps the last good
 * checkpoint and rethrows a {@link DivergenceError} that names it.
 */
export async function runTraining(options: RunOptions): Promise<RunResult> {
  let runDir: string;
  let config: RunConfig;
  let session: GanSession;
  if (options.resume !== undefined) {
    runDir = options.resume;
    const stored = readRunConfig(runDir);
    config = parseOrThrow(runConfigSchema, stored.config, `config in ${join(runDir, RUN_FILES.config)}`);
    if (options.until !== undefined && options.until !== config.steps) {
      config = { ...config, steps: options.until };
      writeRunConfig(runDir, config, { ...stored.facts, ...options.facts });
    }
    session = buildSession(config, { loadPointsFile });
    const { path, checkpoint } = latestCheckpoint(runDir);
    restoreCheckpoint(session, checkpoint, path);
    truncateMetrics(join(runDir, RUN_FILES.metrics), session.step);
  } else {
    config = options.until !== undefined ? { ...options.config, steps: options.until } : options.config;
    session = buildSession(config, { loadPointsFile });
    runDir = createRunDir(options.outRoot ?? 'runs', config, options.label ?? config.data.kind);
    writeRunConfig(runDir, config, options.facts ?? {});
  }
  const startStep = session.step;
  options.onStart?.({ runDir, config, startStep, session });
  const metrics = new MetricsWriter(join(runDir, RUN_FILES.metrics));
  const save = async (s: GanSession) => {
    const path = writeCheckpoint(runDir, await encodeCheckpoint(s), config.keepCheckpoints);
    options.onCheckpoint?.(path);
  };
  try {
    const outcome = await trainLoop(
      session,
      { until: config.steps, checkpointEvery: config.checkpointEvery, evalEvery: config.eval.every },
      {
        onRecord(record) {
          metrics.write(record);
          options.onRecord?.(record);
        },
        onEval(s) {
          const { record, snapshot } = evaluate(s, { samples: config.eval.samples, seed: config.seed, health: config.eval.health });
          if (config.eval.snapshots) writeJsonAtomic(join(runDir, RUN_FILES.samples, `${s.step}.json`), snapshot);
          metrics.write(record);
          options.onEval?.(record);
        },
        onCheckpoint: save,
        shouldStop: options.shouldStop,
      },
    );
    return {
      runDir,
      status: outcome.status,
      steps: session.step,
      wallSeconds: outcome.wallSeconds,
      stepsPerSecond: outcome.stepsRun / Math.max(outcome.wallSeconds, 1e-9),
      last: outcome.last,
    };
  } catch (err) {
    if (err instanceof DivergenceError) {
      metrics.write({ kind: 'diverged', step: err.step, message: err.message });
      const kept = listCheckpoints(runDir);
      const where = kept.length ? `last good checkpoint: ${join(runDir, RUN_FILES.checkpoints, String(kept[kept.length - 1]))}` : 'no checkpoint was written before it';
      throw new DivergenceError(`${err.message}\n${where}`, err.step);
    }
    throw err;
  } finally {
    metrics.close();
  }
}
