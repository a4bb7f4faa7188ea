import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseOrThrow } from '../validate.ts';
import { changedConfigFields, configFieldDigests, configFingerprint, type RunConfig } from '../config/index.ts';
import { nodeRunConfigSchema } from './datasets.ts';
import { CheckpointError, ConfigError, RunLockError } from '../errors.ts';
import { startsOver } from '../run/index.ts';
import { sha256Hex } from '../tensor/index.ts';
import { MANIFEST_FILE, WEIGHTS_FILE, checkpointWarnings, stampMetrics, validateCheckpoint, type CheckpointManifest, type EncodedCheckpoint, type MetricsStamp, type EvalRecord, type StepRecord } from '../train/index.ts';
import { folderFingerprint } from './image-folder.ts';
import { errorCode, fsyncDir, guard, io, isTempName, tempPath, writeFileAtomic, writeJsonAtomic } from './atomic.ts';

/** File names inside a run directory. */
export const RUN_FILES = { config: 'config.json', metrics: 'metrics.jsonl', checkpoints: 'checkpoints', samples: 'samples', lock: 'run.lock' } as const;

/**
 * Creates `root/<date>-<label>-s<seed>[-n]`, a new, empty run directory. The name is claimed by a
 * `mkdir` that fails when it exists, so two processes starting at the same second get two names.
 */
export function createRunDir(root: string, config: RunConfig, label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  const rootDir = resolve(root);
  guard(rootDir, 'create the folder for run directories', () => io.mkdirSync(rootDir, { recursive: true }));
  const base = join(rootDir, `${stamp}-${config.name ?? label}-s${config.seed}`);
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      io.mkdirSync(dir);
    } catch (err) {
      if (errorCode(err) === 'EEXIST' && n < 10_000) continue;
      return guard(dir, 'create the run directory', () => {
        throw err;
      });
    }
    guard(dir, 'create the checkpoints folder', () => io.mkdirSync(join(dir, RUN_FILES.checkpoints)));
    fsyncDir(rootDir);
    return dir;
  }
}

/** What a run depends on, as stored in `config.json` `_run`: see {@link runFingerprints}. */
export interface RunFingerprints {
  /** {@link configFingerprint} of the resolved config. */
  configFingerprint: string;
  /** Per top-level field, to name what changed. */
  configFields: Record<string, string>;
  /** File-backed data: a points file's path and {@link dataFingerprint} of its bytes, or an image folder's and its {@link folderFingerprint}. */
  data?: { path: string; sha256: string };
}

/** The SHA-256 of a data file's bytes (`sha256:<hex>`); a changed file gets another one. */
export function dataFingerprint(path: string): string {
  return `sha256:${sha256Hex(guard(path, 'read the data file', () => io.readFileSync(path)))}`;
}

/** The fingerprints of a config and of the files it reads. */
export function runFingerprints(config: RunConfig): RunFingerprints {
  return {
    configFingerprint: configFingerprint(config),
    configFields: configFieldDigests(config),
    ...(config.data.kind === 'points' ? { data: { path: String(config.data.path), sha256: dataFingerprint(String(config.data.path)) } } : {}),
    ...(config.data.kind === 'image-folder' ? { data: { path: String(config.data.path), sha256: folderFingerprint(String(config.data.path)) } } : {}),
  };
}

/** Writes the fully resolved config, facts such as the backend and the {@link runFingerprints} to `config.json`. */
export function writeRunConfig(dir: string, config: RunConfig, facts: Record<string, unknown>): void {
  writeJsonAtomic(join(dir, RUN_FILES.config), { ...config, _run: { ...facts, ...runFingerprints(config) } });
}

/** Reads a run's `config.json`; returns the stored config (validated by the caller) and its facts. */
export function readRunConfig(dir: string): { config: unknown; facts: Record<string, unknown> } {
  const path = join(dir, RUN_FILES.config);
  if (!io.existsSync(path)) {
    const torn = io.existsSync(dir) && guard(dir, 'list the run directory', () => io.readdirSync(dir)).some((n) => isTempName(n) && n.endsWith(RUN_FILES.config));
    throw new CheckpointError(
      torn ? `no ${RUN_FILES.config}: its first write was interrupted, so this run never started; start a new one` : `no ${RUN_FILES.config} here: not a saddlepoint run directory`,
      resolve(dir),
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(guard(path, 'read the run config', () => io.readFileSync(path, 'utf8')));
  } catch (err) {
    if (err instanceof Error && err.name !== 'SyntaxError') throw err;
    throw new CheckpointError(`cannot parse: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CheckpointError('must hold a JSON object', path);
  const { _run, ...config } = parsed as Record<string, unknown>;
  return { config, facts: (_run ?? {}) as Record<string, unknown> };
}

/**
 * Appends records to `metrics.jsonl`, one whole line per `writeSync`, written through to the OS
 * at once. A failed write (disk full) is cut back to the last whole line before the error is
 * thrown, so the file never ends in a torn record; a torn line left by a kill is cut on open.
 */
export class MetricsWriter {
  private readonly fd: number;
  private size: number;

  constructor(readonly path: string) {
    this.fd = guard(path, 'open the metrics file for appending', () => io.openSync(path, 'a+'));
    this.size = guard(path, 'read the metrics file', () => io.fstatSync(this.fd).size);
    const whole = wholeLinesLength(guard(path, 'read the metrics file', () => io.readFileSync(path)));
    if (whole < this.size) {
      guard(path, 'cut a torn last line from the metrics file', () => io.ftruncateSync(this.fd, whole));
      this.size = whole;
    }
  }

  /** Appends one record as one line. */
  write(record: StepRecord | EvalRecord | Record<string, unknown>): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    try {
      const n = io.writeSync(this.fd, line);
      if (n !== line.byteLength) throw Object.assign(new Error(`short write: ${n} of ${line.byteLength} bytes`), { code: 'ENOSPC' });
      this.size += n;
    } catch (err) {
      try {
        io.ftruncateSync(this.fd, this.size);
      } catch {
        // Cutting back failed too; the reader still skips a torn last line, and the first error is the one to report.
      }
      guard(this.path, 'append to the metrics file', () => {
        throw err;
      });
    }
  }

  close(): void {
    io.closeSync(this.fd);
  }
}

function wholeLinesLength(bytes: Uint8Array): number {
  const last = bytes.lastIndexOf(0x0a);
  return last + 1;
}

/** Reads every record of a metrics file (a torn last line, from a crash, is skipped). */
export function readMetrics(path: string): Record<string, unknown>[] {
  if (!io.existsSync(path)) return [];
  const lines = guard(path, 'read the metrics file', () => io.readFileSync(path, 'utf8')).split('\n');
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

/** Size, line count and SHA-256 of the metrics file as it is now (an absent file is empty). */
export function metricsStamp(path: string): MetricsStamp {
  const bytes = io.existsSync(path) ? guard(path, 'read the metrics file', () => io.readFileSync(path)) : new Uint8Array(0);
  let lines = 0;
  for (const b of bytes) if (b === 0x0a) lines++;
  return { bytes: bytes.byteLength, lines, sha256: sha256Hex(bytes) };
}

/**
 * Why the metrics file no longer starts with what it held when `manifest` was written, or
 * undefined when it does (records after the checkpoint are allowed; resume drops them).
 */
export function metricsMismatch(path: string, manifest: CheckpointManifest): string | undefined {
  const stamp = manifest.version === 2 ? manifest.metrics : undefined;
  if (!stamp) return undefined;
  if (!io.existsSync(path)) return `${basename(path)} is missing, but the checkpoint at step ${manifest.step} recorded ${stamp.lines} lines of it`;
  const bytes = guard(path, 'read the metrics file', () => io.readFileSync(path));
  if (bytes.byteLength < stamp.bytes) return `${basename(path)} has ${bytes.byteLength} bytes, but the checkpoint at step ${manifest.step} recorded ${stamp.bytes} (${stamp.lines} lines): records were deleted`;
  if (sha256Hex(bytes.subarray(0, stamp.bytes)) !== stamp.sha256) return `${basename(path)}'s first ${stamp.lines} lines differ from those the checkpoint at step ${manifest.step} recorded: records were edited`;
  return undefined;
}

/**
 * Cuts the metrics file back to what it held when `manifest` was written: to the recorded byte
 * length when the checkpoint has a metrics stamp and the file still starts with it, else (older
 * checkpoints) to the records with `step` ≤ the checkpoint's.
 */
export function truncateMetricsTo(path: string, manifest: CheckpointManifest): void {
  const stamp = manifest.version === 2 ? manifest.metrics : undefined;
  if (stamp && metricsMismatch(path, manifest) === undefined) {
    const size = io.existsSync(path) ? guard(path, 'read the metrics file', () => io.statSync(path).size) : 0;
    if (size === stamp.bytes) return;
    const fd = guard(path, 'open the metrics file', () => io.openSync(path, 'r+'));
    try {
      guard(path, 'cut the metrics file back to the checkpoint', () => io.ftruncateSync(fd, stamp.bytes));
      guard(path, 'flush the metrics file to disk', () => io.fsyncSync(fd));
    } finally {
      io.closeSync(fd);
    }
    return;
  }
  truncateMetrics(path, manifest.step);
}

/**
 * Writes `checkpoints/<step>/` atomically: the files go to a temp folder that is renamed into
 * place (and the folder fsynced), so a crash mid-write never leaves a torn checkpoint under a
 * real step name. Records the metrics file's size and hash in the manifest (covered by its
 * digest) so a resume can tell deleted records. Keeps the newest `keep` checkpoints.
 */
export function writeCheckpoint(dir: string, checkpoint: EncodedCheckpoint, keep: number): string {
  const root = join(dir, RUN_FILES.checkpoints);
  guard(root, 'create the checkpoints folder', () => io.mkdirSync(root, { recursive: true }));
  const sealed = stampMetrics(checkpoint, metricsStamp(join(dir, RUN_FILES.metrics)));
  const target = join(root, String(sealed.manifest.step));
  const tmp = tempPath(target);
  guard(tmp, 'create a temporary checkpoint folder', () => io.mkdirSync(tmp));
  try {
    writeFileAtomic(join(tmp, WEIGHTS_FILE), sealed.weights);
    writeJsonAtomic(join(tmp, MANIFEST_FILE), sealed.manifest);
    if (io.existsSync(target)) {
      // Same step written twice (a stop right after a cadence checkpoint): swap, then drop the old one.
      const old = tempPath(target);
      guard(target, 'move the old checkpoint aside', () => io.renameSync(target, old));
      guard(target, 'move the checkpoint into place', () => io.renameSync(tmp, target));
      io.rmSync(old, { recursive: true, force: true });
    } else {
      guard(target, 'move the checkpoint into place', () => io.renameSync(tmp, target));
    }
    fsyncDir(root);
  } catch (err) {
    io.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  for (const step of listCheckpoints(dir).slice(0, -keep)) io.rmSync(join(root, String(step)), { recursive: true, force: true });
  return target;
}

/**
 * Removes the checkpoints after `step`. Each folder is first renamed to a temp name, so a crash
 * midway never leaves a half-deleted checkpoint under a real step (the next start cleans temps).
 */
export function dropCheckpointsAfter(dir: string, step: number): void {
  const root = join(dir, RUN_FILES.checkpoints);
  for (const s of listCheckpoints(dir).filter((x) => x > step)) {
    const target = join(root, String(s));
    const old = tempPath(target);
    guard(target, 'move a later checkpoint aside', () => io.renameSync(target, old));
    io.rmSync(old, { recursive: true, force: true });
  }
  if (io.existsSync(root)) fsyncDir(root);
}

/** Steps that have a checkpoint folder, ascending (temp folders are ignored). */
export function listCheckpoints(dir: string): number[] {
  const root = join(dir, RUN_FILES.checkpoints);
  if (!io.existsSync(root)) return [];
  return guard(root, 'list the checkpoints', () => io.readdirSync(root))
    .filter((name) => /^\d+$/.test(name) && guard(join(root, name), 'read the checkpoint folder', () => io.statSync(join(root, name))).isDirectory())
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads and verifies one checkpoint folder; a folder named after a step must hold that step. */
export function readCheckpoint(path: string): EncodedCheckpoint {
  const manifestPath = join(path, MANIFEST_FILE);
  const weightsPath = join(path, WEIGHTS_FILE);
  for (const p of [manifestPath, weightsPath]) if (!io.existsSync(p)) throw new CheckpointError(`missing ${basename(p)}`, path);
  let manifest: unknown;
  const text = guard(manifestPath, 'read the checkpoint manifest', () => io.readFileSync(manifestPath, 'utf8'));
  try {
    manifest = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`${MANIFEST_FILE} is not JSON: ${err instanceof Error ? err.message : String(err)}`, path);
  }
  const weights = new Uint8Array(guard(weightsPath, 'read the checkpoint weights', () => io.readFileSync(weightsPath)));
  const folder = basename(path);
  return { manifest: validateCheckpoint(manifest, weights, path, /^\d+$/.test(folder) ? { step: Number(folder) } : {}), weights };
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

/**
 * Removes temp files and folders (`.tmp-*`) that killed writes left in the run directory, its
 * checkpoints and samples. Call it only while holding the {@link acquireRunLock} lock: another
 * writer's temp files are in use. Returns the paths removed.
 */
export function cleanTempFiles(runDir: string): string[] {
  const removed: string[] = [];
  for (const folder of [runDir, join(runDir, RUN_FILES.checkpoints), join(runDir, RUN_FILES.samples)]) {
    if (!io.existsSync(folder) || !guard(folder, 'read the folder', () => io.statSync(folder)).isDirectory()) continue;
    for (const name of guard(folder, 'list the folder', () => io.readdirSync(folder))) {
      if (!isTempName(name)) continue;
      const path = join(folder, name);
      guard(path, 'remove a temporary file left by an interrupted write', () => io.rmSync(path, { recursive: true, force: true }));
      removed.push(path);
    }
  }
  return removed;
}

/** What a lock file holds. */
export interface RunLockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the lock. */
  startedAt: string;
  /** A random token, so release() only removes its own lock. */
  token: string;
}

/** A held run lock. */
export interface RunLock {
  readonly path: string;
  readonly owner: RunLockOwner;
  /** A note to show when a stale lock was taken over (its dead owner), else undefined. */
  readonly tookOver?: string;
  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(err) === 'EPERM';
  }
}

function readOwner(path: string): RunLockOwner | undefined {
  try {
    const value = JSON.parse(io.readFileSync(path, 'utf8')) as Partial<RunLockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.startedAt === 'string' && typeof value.token === 'string') return value as RunLockOwner;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
  }
  // Unreadable (edited by hand, or a disk error): no live owner can be named, so it counts as stale.
  return { pid: -1, host: hostname(), startedAt: 'unknown', token: 'unreadable' };
}

/**
 * Who holds a run's lock, read without taking it: undefined when no process writes the run.
 * `alive` is whether the owner still runs; a lock from another host cannot be checked from here
 * and counts as alive.
 */
export function readRunLock(runDir: string): { owner: RunLockOwner; alive: boolean } | undefined {
  const owner = readOwner(join(resolve(runDir), RUN_FILES.lock));
  if (!owner) return undefined;
  return { owner, alive: owner.host !== hostname() || (owner.pid > 0 && isAlive(owner.pid)) };
}

/** Links a fully written temp file to `path`: the lock never exists half-written, and link fails if it exists. */
function linkExclusive(path: string, owner: RunLockOwner): boolean {
  const tmp = tempPath(path);
  writeFileAtomic(tmp, `${JSON.stringify(owner)}\n`);
  try {
    io.linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    return guard(path, 'create the run lock', () => {
      throw err;
    });
  } finally {
    io.rmSync(tmp, { force: true });
  }
}

/**
 * Makes this process the only writer of `runDir`: creates `run.lock` (pid, host, start time)
 * exclusively. A lock from a dead process on this host is taken over (`tookOver` says whose); a
 * live owner, or one on another host, is refused with a {@link RunLockError} naming it.
 *
 * @example
 * const lock = acquireRunLock(runDir);
 * try { … } finally { lock.release(); }
 */
export function acquireRunLock(runDir: string): RunLock {
  const path = join(resolve(runDir), RUN_FILES.lock);
  const host = hostname();
  const owner: RunLockOwner = { pid: process.pid, host, startedAt: new Date().toISOString(), token: sha256Hex(`${process.pid}-${Date.now()}-${Math.random()}`).slice(0, 16) };
  let tookOver: string | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (linkExclusive(path, owner)) return heldLock(path, owner, tookOver);
    const current = readOwner(path);
    if (!current) continue; // released between our link and our read: try again
    if (current.host !== host) {
      throw new RunLockError(
        `run is locked by pid ${current.pid} on host ${current.host} (since ${current.startedAt}); if no process there writes this run any more, delete ${RUN_FILES.lock}`,
        resolve(runDir),
      );
    }
    if (current.pid > 0 && isAlive(current.pid)) {
      throw new RunLockError(`run is in use by pid ${current.pid} on host ${current.host} (since ${current.startedAt}); wait for it to finish or stop it first`, resolve(runDir));
    }
    // Stale: the owner is dead. Only the holder of the takeover lock may remove it, so two
    // processes that both saw it stale cannot remove each other's fresh lock.
    const takeover = `${path}.takeover`;
    const mine = linkExclusive(takeover, owner);
    if (!mine) {
      const holder = readOwner(takeover);
      if (holder && holder.host === host && holder.pid > 0 && !isAlive(holder.pid)) io.rmSync(takeover, { force: true });
      continue;
    }
    try {
      const again = readOwner(path);
      if (again && again.token === current.token && again.pid === current.pid) {
        io.rmSync(path, { force: true });
        tookOver = `took over a stale lock of pid ${current.pid} on ${current.host} (since ${current.startedAt}), which no longer runs`;
      }
    } finally {
      io.rmSync(takeover, { force: true });
    }
  }
  throw new RunLockError(`could not take ${RUN_FILES.lock}: other processes keep changing it`, resolve(runDir));
}

function heldLock(path: string, owner: RunLockOwner, tookOver: string | undefined): RunLock {
  const onExit = () => release();
  const release = () => {
    process.off('exit', onExit);
    if (readOwner(path)?.token === owner.token) io.rmSync(path, { force: true });
  };
  // A process that exits without release (an uncaught error) still frees the run for the next one.
  process.on('exit', onExit);
  return { path, owner, tookOver, release };
}

/** What {@link validateResume} found: all a resumed run needs, read and verified, nothing written. */
export interface ResumePlan {
  runDir: string;
  /** The stored config, validated, with `steps` (and `backend`) replaced when given. */
  config: RunConfig;
  /** The stored `_run` facts. */
  facts: Record<string, unknown>;
  /** The newest checkpoint, fully verified; null for a run stopped before its first one, which starts over (see {@link validateResume}). */
  checkpointPath: string | null;
  checkpoint: EncodedCheckpoint | null;
  /** Whether `config.json` must be rewritten (steps or backend changed, or a change was allowed). */
  configChanged: boolean;
  /** Things to tell the user (an old checkpoint version, an allowed change). */
  warnings: string[];
}

/** {@link startsOver} for a run directory (its records read only when it has no checkpoint). */
function startsOverDir(runDir: string): boolean {
  const checkpoints = listCheckpoints(runDir);
  if (checkpoints.length > 0) return false;
  const path = join(runDir, RUN_FILES.metrics);
  return startsOver(checkpoints, io.existsSync(path) ? readMetrics(path) : []);
}

/** Options of {@link validateResume}. */
export interface ResumeOptions {
  /** The new total step count; must exceed the checkpoint's step. */
  steps?: number;
  /** A backend to switch to. */
  backend?: RunConfig['backend'];
  /** Resume although the config, the data or the metrics changed since the run started. */
  allowChangedConfig?: boolean;
}

/**
 * Checks that a run can be resumed, changing nothing on disk: `config.json` parses and validates,
 * `steps` (when given) is greater than the newest checkpoint's step, the checkpoint verifies in
 * full (digest, schema, step = folder), and the config, data file and metrics file are the ones
 * the run recorded (unless `allowChangedConfig`). Call it before taking the lock and writing.
 *
 * @example
 * const plan = validateResume(runDir, { steps: 4000 });
 */
export function validateResume(runDir: string, options: ResumeOptions = {}): ResumePlan {
  const stored = readRunConfig(runDir);
  const configPath = join(runDir, RUN_FILES.config);
  let config = parseOrThrow(nodeRunConfigSchema, stored.config, `config in ${configPath}`);
  const fresh = startsOverDir(runDir);
  const { path: checkpointPath, checkpoint } = fresh ? { path: null, checkpoint: null } : latestCheckpoint(runDir);
  const done = checkpoint?.manifest.step ?? 0;
  let configChanged = false;
  if (options.steps !== undefined) {
    if (!Number.isInteger(options.steps) || options.steps <= done) {
      throw new ConfigError(`--steps: got ${options.steps}; this run has a checkpoint at step ${done}, so --steps must be greater than ${done} (nothing was changed)`);
    }
    configChanged ||= options.steps !== config.steps;
    config = { ...config, steps: options.steps };
  }
  if (options.backend !== undefined) {
    configChanged ||= options.backend !== config.backend;
    config = { ...config, backend: options.backend };
  }
  const warnings = checkpoint ? [...checkpointWarnings(checkpoint.manifest)] : [`${join(runDir, RUN_FILES.checkpoints)}: the run stopped before its first checkpoint (and before its first evaluation); it starts over from step 0 with its stored config`];
  const changes: string[] = [];
  const recorded = stored.facts.configFingerprint;
  if (typeof recorded !== 'string') {
    warnings.push(`${RUN_FILES.config} records no config fingerprint (written by an older build); its contents are not checked`);
  } else if (recorded !== configFingerprint(config)) {
    const fields = stored.facts.configFields;
    const named = fields && typeof fields === 'object' ? changedConfigFields(fields as Record<string, string>, config) : [];
    changes.push(`${RUN_FILES.config} was edited since the run started${named.length ? ` (changed: ${named.join(', ')})` : ''}`);
  }
  const data = stored.facts.data as { path?: unknown; sha256?: unknown } | undefined;
  if ((config.data.kind === 'points' || config.data.kind === 'image-folder') && data && typeof data.sha256 === 'string') {
    const path = String(config.data.path);
    const folder = config.data.kind === 'image-folder';
    const now = io.existsSync(path) ? (folder ? folderFingerprint(path) : dataFingerprint(path)) : undefined;
    const what = folder ? `image folder ${path} ${now === undefined ? 'is gone' : 'holds other files'}` : `data file ${path} ${now === undefined ? 'is gone' : 'has other contents'}`;
    if (now !== data.sha256) changes.push(`${what} than when the run started (${data.sha256.slice(0, 19)}…${now ? `, now ${now.slice(0, 19)}…` : ''})`);
  }
  const metrics = checkpoint && metricsMismatch(join(runDir, RUN_FILES.metrics), checkpoint.manifest);
  if (metrics) changes.push(metrics);
  if (changes.length && !options.allowChangedConfig) {
    throw new CheckpointError(`refusing to resume a changed run (nothing was changed on disk):\n  ${changes.join('\n  ')}\npass --allow-changed-config to resume anyway`, resolve(runDir));
  }
  if (changes.length) {
    warnings.push(...changes.map((c) => `${c} (allowed by --allow-changed-config)`));
    configChanged = true;
  }
  return { runDir, config, facts: stored.facts, checkpointPath, checkpoint, configChanged, warnings };
}
