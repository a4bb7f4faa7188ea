import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** The CLI entry point. */
export const bin = join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js');

/** Flags for a CLI run that takes a few seconds: tiny networks, no evaluation, no report. */
export const tinyFlags = ['--no-report', '--backend', 'cpu', '--set', 'batchSize=16', '--set', 'model.g.hidden=[8]', '--set', 'model.d.hidden=[8]', '--set', 'eval.every=0'];

/** A fresh temp folder. */
export const tmp = (prefix = 'sp-integrity-') => mkdtempSync(join(tmpdir(), prefix));

/** What a finished child process left. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command asynchronously (never spawnSync: the test worker keeps serving its other tests
 * and timers) and resolves when it exits. `onStderr` sees stderr as it arrives, with the child.
 */
export function exec(cmd: string, args: string[], options: { shell?: boolean; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, FORCE_COLOR: '0' }, shell: options.shell ?? false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI with `args`. */
export const cli = (args: string[], options: Parameters<typeof exec>[2] = {}) => exec(process.execPath, [bin, ...args], options);

/** Runs a TypeScript file under tsx in a child process. */
export const tsChild = (file: string, args: string[]) => exec(process.execPath, ['--import', 'tsx', file, ...args]);

/**
 * A digest of every path, kind, mode and byte under `dir`: equal before and after means nothing on
 * disk changed (no file added, removed, rewritten or torn).
 */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${relative(dir, p)}\0${st.isDirectory() ? 'd' : 'f'}\0${st.mode}\0`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return h.digest('hex');
}

/** The run directory a `train --json` run printed. */
export const runDirOf = (r: Exit): string => (JSON.parse(r.stdout.trim().split('\n').pop()!) as { runDir: string }).runDir;

/** Whether this process may mount (root in a sandbox that allows tmpfs and bind mounts). */
export async function canMount(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const probe = tmp('sp-mount-');
  const r = await exec('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).catch(() => undefined);
  if (r?.code !== 0) return false;
  await exec('umount', [probe]);
  return true;
}
