import { sessionFromConfig } from '../../src/run/index.ts';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError, ConfigError, RunIOError, RunLockError } from '../../src/errors.ts';
import {
  MetricsWriter,
  acquireRunLock,
  cleanTempFiles,
  createRunDir,
  fsyncDir,
  io,
  readCheckpoint,
  readMetrics,
  truncateMetricsTo,
  validateResume,
  writeCheckpoint,
  writeFileAtomic,
  writeRunConfig,
  loadPointsFile,
  nodeDatasets,
} from '../../src/node/index.ts';
import { disposeSession, encodeCheckpoint, ganStep } from '../../src/train/index.ts';
import type { RunConfig } from '../../src/config/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';
import { exec, hashTree, tmp } from './helpers.ts';

beforeAll(() => selectTestBackend('cpu'));
afterEach(() => vi.restoreAllMocks());

const small = (over: Record<string, unknown> = {}) => tinyConfig({ batchSize: 16, model: { g: { hidden: [8] }, d: { hidden: [8] } }, steps: 50, ...over });
const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** A run directory with config.json, 4 step records and a checkpoint at step 4 that stamped them. */
async function run(config: RunConfig = small()): Promise<string> {
  const dir = tmp();
  writeRunConfig(dir, config, { backend: 'cpu' });
  const session = sessionFromConfig(config, nodeDatasets);
  const metrics = new MetricsWriter(join(dir, 'metrics.jsonl'));
  for (let i = 0; i < 4; i++) metrics.write(ganStep(session));
  writeCheckpoint(dir, await encodeCheckpoint(session), 3);
  metrics.write(ganStep(session)); // one record after the checkpoint, as a crash would leave
  metrics.close();
  disposeSession(session);
  return dir;
}

function errorOf<E extends Error>(type: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}`);
}

describe('validateResume changes nothing and refuses what would harm the run', () => {
  it.each([[-1], [0], [3], [4]])('--steps %i at or below the checkpoint (step 4) is a ConfigError; the run is untouched', async (steps) => {
    const dir = await run();
    const before = hashTree(dir);
    const err = errorOf(ConfigError, () => validateResume(dir, { steps }));
    expect(err.message).toBe(`--steps: got ${steps}; this run has a checkpoint at step 4, so --steps must be greater than 4 (nothing was changed)`);
    expect(hashTree(dir)).toBe(before);
  });

  it('a valid resume returns the verified plan, with the new steps, and writes nothing', async () => {
    const dir = await run();
    const before = hashTree(dir);
    const plan = validateResume(dir, { steps: 9 });
    expect(plan).toMatchObject({ config: { steps: 9 }, configChanged: true, warnings: [] });
    expect(plan.checkpoint!.manifest).toMatchObject({ step: 4, version: 2, metrics: { lines: 4 } });
    expect(hashTree(dir)).toBe(before);
  });

  it.each<[string, (c: Record<string, unknown>) => void, string]>([
    ['loss', (c) => (c.loss = { name: 'hinge' }), 'loss'],
    ['seed', (c) => (c.seed = 7), 'seed'],
    ['data', (c) => (c.data = { kind: 'ring', modes: 2, radius: 3, std: 0.1 }), 'data'],
    ['loss and seed', (c) => Object.assign(c, { seed: 3, loss: { name: 'hinge' } }), 'loss, seed'],
  ])('config.json edited (%s): refused naming what changed, unless --allow-changed-config', async (_what, change, named) => {
    const dir = await run();
    const path = join(dir, 'config.json');
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(stored);
    writeFileSync(path, JSON.stringify(stored));
    const before = hashTree(dir);
    const err = errorOf(CheckpointError, () => validateResume(dir, { steps: 9 }));
    expect(err.message).toContain(`config.json was edited since the run started (changed: ${named})`);
    expect(err.message).toMatch(/pass --allow-changed-config to resume anyway/);
    expect(hashTree(dir)).toBe(before);
    const plan = validateResume(dir, { steps: 9, allowChangedConfig: true });
    expect(plan.warnings).toEqual([expect.stringContaining(`(changed: ${named}) (allowed by --allow-changed-config)`)]);
  });

  it('steps and backend may change on resume without a fingerprint change', async () => {
    const dir = await run();
    expect(validateResume(dir, { steps: 100, backend: 'wasm' }).warnings).toEqual([]);
  });

  it('a points file with other contents is refused, naming the file', async () => {
    const data = join(tmp(), 'pts.csv');
    writeFileSync(data, 'x,y\n3,0\n3.1,0\n2.9,0.1\n');
    const dir = await run(small({ data: { kind: 'points', path: data } }));
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))._run.data).toEqual({ path: data, sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    appendFileSync(data, '3,0.2\n');
    const before = hashTree(dir);
    expect(() => validateResume(dir, { steps: 9 })).toThrow(new RegExp(`data file ${data} has other contents than when the run started`));
    rmSync(data);
    expect(() => validateResume(dir, { steps: 9 })).toThrow(new RegExp(`data file ${data} is gone`));
    expect(hashTree(dir)).toBe(before);
  });

  it.each<[string, (path: string) => void, RegExp]>([
    ['deleted', (p) => rmSync(p), /metrics\.jsonl is missing, but the checkpoint at step 4 recorded 4 lines of it/],
    ['cut short', (p) => writeFileSync(p, readFileSync(p, 'utf8').split('\n').slice(0, 2).join('\n') + '\n'), /metrics\.jsonl has \d+ bytes, but the checkpoint at step 4 recorded \d+ \(4 lines\): records were deleted/],
    ['edited', (p) => writeFileSync(p, readFileSync(p, 'utf8').replace('"step":2', '"step":7')), /metrics\.jsonl's first 4 lines differ from those the checkpoint at step 4 recorded/],
  ])('metrics.jsonl %s since the checkpoint: refused', async (_what, change, message) => {
    const dir = await run();
    change(join(dir, 'metrics.jsonl'));
    const before = hashTree(dir);
    expect(() => validateResume(dir, { steps: 9 })).toThrow(message);
    expect(hashTree(dir)).toBe(before);
  });

  it('truncateMetricsTo cuts the file back to the bytes the checkpoint stamped', async () => {
    const dir = await run();
    const path = join(dir, 'metrics.jsonl');
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    truncateMetricsTo(path, validateResume(dir, { steps: 9 }).checkpoint!.manifest);
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2, 3, 4]);
  });

  it('config.json whose first write was interrupted (only its temp file) says the run never started', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.tmp-123-1-config.json'), '{"seed"');
    expect(() => validateResume(dir)).toThrow(/no config\.json: its first write was interrupted, so this run never started/);
  });
});

describe('temp files and run directory names', () => {
  it('cleanTempFiles removes .tmp-* left by killed writes in the run, checkpoints and samples, and nothing else', async () => {
    const dir = await run();
    const leftovers = [join(dir, '.tmp-99-1-config.json'), join(dir, 'checkpoints', '.tmp-99-2-8'), join(dir, 'samples', '.tmp-99-3-4.json')];
    mkdirSync(join(dir, 'samples'));
    writeFileSync(leftovers[0], '{');
    mkdirSync(leftovers[1]);
    writeFileSync(join(leftovers[1], 'weights.bin'), 'x');
    writeFileSync(leftovers[2], '[');
    const kept = hashTree(join(dir, 'checkpoints', '4'));
    expect(cleanTempFiles(dir).sort()).toEqual([...leftovers].sort());
    for (const p of leftovers) expect(existsSync(p)).toBe(false);
    expect(hashTree(join(dir, 'checkpoints', '4'))).toBe(kept);
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  });

  it('createRunDir never reuses a name: the same second gives -2, -3', () => {
    const root = tmp();
    const dirs = [0, 1, 2].map(() => createRunDir(root, small(), 'x'));
    expect(new Set(dirs).size).toBe(3);
    expect(dirs[1]).toBe(`${dirs[0]}-2`);
  });

  it('an --out that is a file is a RunIOError naming it', () => {
    const file = join(tmp(), 'out');
    writeFileSync(file, '');
    const err = errorOf(RunIOError, () => createRunDir(file, small(), 'x'));
    expect(err.message).toMatch(new RegExp(`^${file}: cannot create the folder for run directories \\((EEXIST|ENOTDIR)\\)`));
  });
});

describe('I/O errors are RunIOErrors naming the path and a remedy; nothing torn is left', () => {
  it('a full disk during a metrics write: the file keeps whole lines only', async () => {
    const dir = tmp();
    const path = join(dir, 'metrics.jsonl');
    const w = new MetricsWriter(path);
    w.write({ kind: 'step', step: 1 });
    const real = io.writeSync;
    // The OS writes part of the line, then the disk is full.
    vi.spyOn(io, 'writeSync').mockImplementationOnce(((fd: number, data: Uint8Array) => real(fd, data.subarray(0, 7))) as typeof io.writeSync);
    const err = errorOf(RunIOError, () => w.write({ kind: 'step', step: 2 }));
    expect(err.message).toBe(`${path}: cannot append to the metrics file (ENOSPC): the disk is full; free some space (or pick another --out) and resume the run with --resume`);
    expect(readFileSync(path, 'utf8')).toBe('{"kind":"step","step":1}\n');
    vi.spyOn(io, 'writeSync').mockImplementationOnce(() => {
      throw errno('EROFS');
    });
    expect(() => w.write({ kind: 'step', step: 2 })).toThrow(/cannot append to the metrics file \(EROFS\): the file system is read-only/);
    w.write({ kind: 'step', step: 2 });
    w.close();
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2]);
  });

  it('a torn last line left by a kill is cut when the writer opens, so the next record starts a line', () => {
    const path = join(tmp(), 'metrics.jsonl');
    writeFileSync(path, '{"kind":"step","step":1}\n{"kind":"st');
    const w = new MetricsWriter(path);
    w.write({ kind: 'step', step: 2 });
    w.close();
    expect(readFileSync(path, 'utf8')).toBe('{"kind":"step","step":1}\n{"kind":"step","step":2}\n');
  });

  it.each(['ENOSPC', 'EACCES', 'EROFS', 'EFBIG'])('writeFileAtomic on %s: RunIOError, the old file intact, no temp file left', (code) => {
    const dir = tmp();
    const path = join(dir, 'config.json');
    writeFileSync(path, 'old');
    const before = hashTree(dir);
    vi.spyOn(io, 'writeSync').mockImplementationOnce(() => {
      throw errno(code);
    });
    const err = errorOf(RunIOError, () => writeFileAtomic(path, 'new'));
    expect(err).toMatchObject({ code, operation: 'write config.json' });
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(hashTree(dir)).toBe(before);
  });

  it('weights.bin replaced by a folder: RunIOError EISDIR naming the file', async () => {
    const dir = await run();
    const weights = join(dir, 'checkpoints', '4', 'weights.bin');
    rmSync(weights);
    mkdirSync(weights);
    const before = hashTree(dir);
    const err = errorOf(RunIOError, () => readCheckpoint(join(dir, 'checkpoints', '4')));
    expect(err.message).toBe(`${weights}: cannot read the checkpoint weights (EISDIR): a folder is where a file should be; move that folder away`);
    expect(hashTree(dir)).toBe(before);
  });

  it('metrics.jsonl replaced by a folder: the writer and reader say so', () => {
    const path = join(tmp(), 'metrics.jsonl');
    mkdirSync(path);
    expect(() => new MetricsWriter(path)).toThrow(new RegExp(`${path}: cannot open the metrics file for appending \\(EISDIR\\)`));
    expect(() => readMetrics(path)).toThrow(new RegExp(`${path}: cannot read the metrics file \\(EISDIR\\)`));
  });

  it('checkpoints/ replaced by a file: ENOTDIR names it', async () => {
    const dir = await run();
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'checkpoints'), '');
    expect(() => validateResume(dir, { steps: 9 })).toThrow(new RegExp(`${join(dir, 'checkpoints')}: cannot list the checkpoints \\(ENOTDIR\\): a file is where a folder should be`));
  });

  it('fsyncDir skips platforms that cannot fsync a folder (EINVAL) but reports a real failure (EIO)', () => {
    const dir = tmp();
    vi.spyOn(io, 'fsyncSync').mockImplementationOnce(() => {
      throw errno('EINVAL');
    });
    expect(() => fsyncDir(dir)).not.toThrow();
    vi.spyOn(io, 'fsyncSync').mockImplementationOnce(() => {
      throw errno('EIO');
    });
    expect(() => fsyncDir(dir)).toThrow(new RegExp(`${dir}: cannot flush the folder to disk \\(EIO\\): the device reported an I/O error`));
  });
});

describe('the run lock', () => {
  it('a second acquire while the owner lives is refused naming its pid and host; release frees it', () => {
    const dir = tmp();
    const lock = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    const err = errorOf(RunLockError, () => acquireRunLock(dir));
    expect(err.message).toMatch(new RegExp(`^${dir}: run is in use by pid ${process.pid} on host ${hostname()} \\(since .*\\); wait for it to finish or stop it first$`));
    lock.release();
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    acquireRunLock(dir).release();
  });

  it('a stale lock of a dead pid on this host is taken over, saying whose', async () => {
    const dir = tmp();
    const dead = await new Promise<number>((resolve) => {
      void exec(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).then((r) => resolve(Number(r.stdout)));
    });
    writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'old' }));
    const lock = acquireRunLock(dir);
    expect(lock.tookOver).toBe(`took over a stale lock of pid ${dead} on ${hostname()} (since 2026-01-01T00:00:00.000Z), which no longer runs`);
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('a lock from another host is refused (its pid cannot be checked from here)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x', token: 't' }));
    expect(() => acquireRunLock(dir)).toThrow(/run is locked by pid 1 on host elsewhere .*delete run\.lock/);
  });
});
