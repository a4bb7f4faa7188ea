/**
 * `saddlepoint train` as a child process, for `compare` and `sweep`: spawn it with arguments,
 * collect its output, read the `--json` summary it prints last, and move the run directory it made
 * in a staging folder to where the caller wants it. A crash costs one child, never the caller.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Set in a child's environment: the child holds its stdin open and ends itself the moment it
 * closes, so a child never outlives a parent that was killed (a SIGKILLed worker leaves no
 * orphan writing the run it shared with the worker that retries the trial).
 */
export const EXIT_WITH_PARENT_ENV = 'SADDLEPOINT_EXIT_WITH_PARENT';

/**
 * In a child started by {@link runTrainChild}: watches stdin, the pipe from the parent, and ends
 * this process with SIGKILL when it closes. No-op elsewhere. The watch does not keep the process alive.
 */
export function exitWithParent(): void {
  if (process.env[EXIT_WITH_PARENT_ENV] !== '1') return;
  const stdin = process.stdin;
  const end = () => process.kill(process.pid, 'SIGKILL');
  stdin.on('end', end).on('close', end).on('error', end);
  stdin.resume();
  (stdin as unknown as { unref?: () => void }).unref?.();
}

/** The script a child runs: the CLI itself, so a child is exactly `saddlepoint train`. */
export const TRAIN_BIN = fileURLToPath(new URL('../../bin/saddlepoint.js', import.meta.url));

/** The `--json` summary `train` prints as its last stdout line. */
export interface TrainSummary {
  runDir?: string;
  status?: string;
  steps?: number;
  wallSeconds?: number;
  backend?: string;
  /** A diverged run (exit 3): the step whose loss or gradient was not finite, why, and the checkpoint kept. */
  step?: number;
  reason?: string;
  lastGoodCheckpoint?: { location: string; step: number } | null;
}

/** How a child ended and what it said. */
export interface TrainChildResult {
  /** Exit code; null when a signal ended it or it never started. */
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all. */
  spawnError?: Error;
  stdout: string;
  stderr: string;
  summary: TrainSummary | null;
  /** Seconds from spawn to exit. */
  processSeconds: number;
}

/** How children are started. */
export interface ChildOptions {
  /** Environment of every child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** In its own process group: a Ctrl-C at the terminal reaches only this process, which passes it on (the worker). */
  detached?: boolean;
  /** Called with the child's pid once it is spawned (undefined when it could not be). */
  onSpawn?(pid: number | undefined): void;
}

/** The last non-empty line of a text, or null. */
export function lastLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}

/** A diverged child's account from its `--json` summary (why, and the checkpoint kept), or null when it did not diverge. */
export function divergedText(summary: TrainSummary | null): string | null {
  if (summary?.status !== 'diverged') return null;
  const kept = summary.lastGoodCheckpoint;
  return `${summary.reason ?? `diverged at step ${summary.step ?? '?'}`}; ${kept ? `last good checkpoint at step ${kept.step}` : 'it diverged before its first checkpoint'}`;
}

/** The `--json` summary a child prints as its last stdout line, or null when it printed none. */
export function trainSummary(stdout: string): TrainSummary | null {
  const line = lastLine(stdout);
  if (!line?.startsWith('{')) return null;
  try {
    return JSON.parse(line) as TrainSummary;
  } catch {
    return null;
  }
}

/**
 * Runs `saddlepoint train <args>` and waits for it; `FORCE_COLOR=0` keeps progress bars out of
 * the captured stderr.
 *
 * @example
 * const r = await runTrainChild(['--config', 'c.json', '--out', 'staging', '--no-report', '--json']);
 * if (r.code === 0 && r.summary?.status === 'done') …
 */
export async function runTrainChild(args: readonly string[], options: ChildOptions = {}): Promise<TrainChildResult> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [TRAIN_BIN, 'train', ...args], {
    env: { ...(options.env ?? process.env), FORCE_COLOR: '0', [EXIT_WITH_PARENT_ENV]: '1' },
    // stdin stays open and silent: it closes when this process dies, and the child follows (exitWithParent).
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: string | null; spawnError?: Error }>((done) => {
    child.on('error', (err) => done({ code: null, signal: null, spawnError: err }));
    child.on('close', (c, s) => done({ code: c, signal: s }));
  });
  child.stdin.destroy();
  return { code, signal, ...(spawnError ? { spawnError } : {}), stdout, stderr, summary: trainSummary(stdout), processSeconds: (performance.now() - t0) / 1000 };
}

/**
 * Moves the run directory a child made inside `staging` (the one its summary names, else the only
 * folder there) to `target`. Returns false when the child made none.
 */
export function takeRunDir(staging: string, summary: TrainSummary | null, target: string): boolean {
  const made = existsSync(staging) ? readdirSync(staging).filter((name) => !name.startsWith('.') && statSync(join(staging, name)).isDirectory()) : [];
  const runDir = summary?.runDir ?? (made.length === 1 ? join(staging, made[0]) : undefined);
  if (!runDir || !existsSync(runDir)) return false;
  renameSync(runDir, target);
  return true;
}
