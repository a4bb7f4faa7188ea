import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../config/index.ts';
import { CheckpointError } from '../errors.ts';
import { MANIFEST_FILE, WEIGHTS_FILE, validateCheckpoint, type EncodedCheckpoint, type EvalRecord, type StepRecord } from '../train/index.ts';
import { tempPath, writeFileAtomic, writeJsonAtomic } from './atomic.ts';

/** File names inside a run directory. */
export const RUN_FILES = { config: 'config.json', metrics: 'metrics.jsonl', checkpoints: 'checkpoints', samples: 'samples' } as const;

/** Creates `root/<date>-<label>-s<seed>[-n]`, a new, empty run directory. */
export function createRunDir(root: string, config: RunConfig, label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  const base = join(resolve(root), `${stamp}-${config.name ?? label}-s${config.seed}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  mkdirSync(join(dir, RUN_FILES.checkpoints), { recursive: true });
  return dir;
}

/** Writes the fully resolved config (and facts such as the backend) to `config.json`. */
export function writeRunConfig(dir: string, config: RunConfig, facts: Record<string, unknown>): void {
  writeJsonAtomic(join(dir, RUN_FILES.config), { ...config, _run: facts });
}

/** Reads a run's `config.json`; returns the stored config (validated by the caller) and its facts. */
export function readRunConfig(dir: string): { config: unknown; facts: Record<string, unknown> } {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) throw new CheckpointError(`no ${RUN_FILES.config} here: not a saddlepoint run directory`, resolve(dir));
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CheckpointError(`cannot parse: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  const { _run, ...config } = parsed;
  return { config, facts: (_run ?? {}) as Record<string, unknown> };
}

/** Appends step records to `metrics.jsonl`, one line each, written through to the OS at once. */
export class MetricsWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  write(record: StepRecord | EvalRecord | Record<string, unknown>): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads every record of a metrics file (a torn last line, from a crash, is skipped). */
export function readMetrics(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch (err) {
      if (i < lines.length - 2) throw new CheckpointError(`line ${i + 1} is not JSON: ${err instanceof Error ? err.message : String(err)}`, path);
    }
  });
  return out;
}

/** Keeps only the records up to `step` (resuming from a checkpoint drops what came after it). */
export function truncateMetrics(path: string, step: number): void {
  const kept = readMetrics(path).filter((r) => typeof r.step !== 'number' || r.step <= step);
  writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/**
 * Writes `checkpoints/<step>/` atomically: the files go to a temp folder that is renamed into
 * place, so a crash mid-write never leaves a torn checkpoint under a real step name. Keeps the
 * newest `keep` checkpoints.
 */
export function writeCheckpoint(dir: string, checkpoint: EncodedCheckpoint, keep: number): string {
  const root = join(dir, RUN_FILES.checkpoints);
  mkdirSync(root, { recursive: true });
  const target = join(root, String(checkpoint.manifest.step));
  const tmp = tempPath(target);
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileAtomic(join(tmp, WEIGHTS_FILE), checkpoint.weights);
    writeJsonAtomic(join(tmp, MANIFEST_FILE), checkpoint.manifest);
    if (existsSync(target)) {
      // Same step written twice (a stop right after a cadence checkpoint): swap, then drop the old one.
      const old = tempPath(target);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  for (const step of listCheckpoints(dir).slice(0, -keep)) rmSync(join(root, String(step)), { recursive: true, force: true });
  return target;
}

/** Steps that have a checkpoint folder, ascending (temp folders are ignored). */
export function listCheckpoints(dir: string): number[] {
  const root = join(dir, RUN_FILES.checkpoints);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && statSync(join(root, name)).isDirectory())
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads and verifies one checkpoint folder. */
export function readCheckpoint(path: string): EncodedCheckpoint {
  const manifestPath = join(path, MANIFEST_FILE);
  const weightsPath = join(path, WEIGHTS_FILE);
  for (const p of [manifestPath, weightsPath]) if (!existsSync(p)) throw new CheckpointError(`missing ${p.split('/').pop()}`, path);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${MANIFEST_FILE} is not JSON: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  const weights = new Uint8Array(readFileSync(weightsPath));
  return { manifest: validateCheckpoint(manifest, weights, path), weights };
}

/** The newest checkpoint of a run, or a clear error when it has none. */
export function latestCheckpoint(dir: string, step?: number): { path: string; checkpoint: EncodedCheckpoint } {
  const steps = listCheckpoints(dir);
  if (steps.length === 0) throw new CheckpointError('this run has no checkpoint to resume from', join(resolve(dir), RUN_FILES.checkpoints));
  const chosen = step ?? steps[steps.length - 1];
  if (!steps.includes(chosen)) throw new CheckpointError(`no checkpoint at step ${chosen}; available: ${steps.join(', ')}`, resolve(dir));
  const path = join(dir, RUN_FILES.checkpoints, String(chosen));
  return { path, checkpoint: readCheckpoint(path) };
}
