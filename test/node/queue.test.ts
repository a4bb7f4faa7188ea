/**
 * Sweeps through a real Redis with real worker processes: a worker SIGKILLed mid-trial hands the
 * trial on (continued from its newest checkpoint, its child gone with it), the sweep is interrupted and
 * resumed, every trial completes exactly once, and the records equal a local sweep's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkQueue, latestRecords, parseQueueUrl } from '../../src/node/queue.ts';
import { currentRunDir } from '../../src/node/rung.ts';
import { openRunIndex } from '../../src/node/run-index.ts';
import { readMetrics } from '../../src/node/run-dir.ts';
import { QueueError, ConfigError } from '../../src/errors.ts';
import { freePort, redisAvailable, startRedis, type TestRedis } from '../helpers/redis.ts';

const bin = fileURLToPath(new URL('../../bin/saddlepoint.js', import.meta.url));

/** Tiny nets on cpu: a trial is mostly process start-up; a checkpoint every 20 steps to continue from. */
const TINY = ['backend=cpu', 'batchSize=32', 'model.g.hidden=[16]', 'model.d.hidden=[16]', 'eval.samples=200', 'eval.snapshots=false', 'checkpointEvery=20'];

interface Launched {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<number | null>;
}

function launch(args: string[], cwd?: string): Launched {
  const { OPENBLAS_NUM_THREADS: _own, ...env } = process.env;
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, done };
}

async function until(what: string, test: () => boolean, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A run's records without wall-clock fields. */
const records = (dir: string) => readMetrics(join(dir, 'metrics.jsonl')).map(({ ms: _ms, ...r }) => r);

describe('queue URLs', () => {
  it('parses host, port, password and db, and masks the password', () => {
    expect(parseQueueUrl('redis://:s3cret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, password: 's3cret', db: 2, tls: false, shown: 'redis://:***@10.0.0.5:6380/2' });
    expect(parseQueueUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0, shown: 'redis://localhost' });
  });

  it('refuses what is not a Redis URL, naming the flag and the form', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(ConfigError);
    expect(() => parseQueueUrl('http://localhost:6379')).toThrow('--queue: the scheme is "http"; expected redis://[:password@]host[:port][/db]');
    expect(() => parseQueueUrl('redis://localhost/x')).toThrow('--queue: the database "x" is not a number');
  });
});

describe.runIf(redisAvailable())('sweeps through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis('pw-test-1');
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a password-protected server works; a wrong or missing password and a closed port are clear errors', async () => {
    await expect(checkQueue(parseQueueUrl(redis.url))).resolves.toBeUndefined();
    const at = `127.0.0.1:${redis.port}`;
    const wrong = await checkQueue(parseQueueUrl(`redis://:wrong@${at}`)).catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(QueueError);
    expect((wrong as Error).message).toBe(`redis://:***@${at}: wrong password (or user) for the Redis server at ${at}`);
    await expect(checkQueue(parseQueueUrl(`redis://${at}`))).rejects.toThrow(`needs a password; give it in the URL: redis://:PASSWORD@${at}`);
    const closed = await freePort();
    await expect(checkQueue(parseQueueUrl(`redis://127.0.0.1:${closed}`))).rejects.toThrow(`nothing listens at 127.0.0.1:${closed}`);
    const worker = launch(['worker', '--queue', `redis://:wrong@${at}`]);
    expect(await worker.done).toBe(2);
    expect(worker.err()).toBe(`error: redis://:***@${at}: wrong password (or user) for the Redis server at ${at}\n`);
  }, 60_000);

  it('a bad spec is refused before anything is enqueued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-queue-'));
    const spec = join(dir, 'bad.json');
    writeFileSync(spec, JSON.stringify({ name: 'bad', base: { preset: 'ring8' }, remedies: ['none', 'pac9'], metric: { name: 'w1' } }));
    const client = new Redis(redis.port, '127.0.0.1', { password: 'pw-test-1' });
    try {
      const before = await client.dbsize();
      const r = launch(['sweep', spec, '--queue', redis.url, '--out', join(dir, 'out'), '--index', join(dir, 'index.sqlite')]);
      expect(await r.done).toBe(2);
      expect(r.err()).toMatch(/^error: invalid config:\n {2}remedies: .*"pac9"/);
      expect(await client.dbsize()).toBe(before);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    } finally {
      client.disconnect();
    }
  }, 60_000);

  it('3 workers, one SIGKILLed mid-trial, the sweep interrupted and resumed: every trial once, records equal to a local sweep', async () => {
    // 3 remedies × 2 seeds: enough for a kill, an interrupt with trials still queued, and a resume.
    const TRIALS = 6;
    const dir = mkdtempSync(join(tmpdir(), 'sp-queue-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'q12', base: { preset: 'ring8', set: TINY }, remedies: ['none', 'pac2', 'minibatch-std'], seeds: 2, metric: { name: 'w1' }, budget: { steps: 80 } }));
    const out = join(dir, 'out');
    const index = join(dir, 'index.sqlite');
    const workers = [0, 1, 2].map((i) => launch(['worker', '--queue', redis.url, '--lock-seconds', '2', '--work', join(dir, `work${i}`)]));
    const sweep = launch(['sweep', spec, '--queue', redis.url, '--out', out, '--index', index]);
    try {
      // Worker 0's first trial: SIGKILL it once the run is past its checkpoint at step 20.
      const started = () => /\[(q12-[\d-]+)\/(t\d+)\] training in pid (\d+)/.exec(workers[0].err());
      await until('worker 0 to start a trial', () => started() !== null);
      const [, sweepId, victim, pid] = started()!;
      const stepOf = () => {
        const now = currentRunDir(join(out, 'trials', victim));
        return now ? latestRecords(now).step : 0;
      };
      await until(`${victim} to pass step 25`, () => stepOf() >= 25, 60_000);
      expect(stepOf()).toBeLessThan(80);
      workers[0].child.kill('SIGKILL');
      await workers[0].done;
      // Where the next worker must continue: the newest checkpoint the killed run kept (a busy machine may have trained past 20).
      const killedAt = currentRunDir(join(out, 'trials', victim))!;
      const kept = readdirSync(join(killedAt, 'checkpoints')).filter((n) => /^\d+$/.test(n)).map(Number);
      const resumeFrom = Math.max(...kept);
      expect(resumeFrom).toBeGreaterThanOrEqual(20);
      expect(resumeFrom).toBeLessThan(80);
      // Its training child went with it: nothing else writes the run the next worker continues.
      await until(`the orphaned child ${pid} to end`, () => !alive(Number(pid)), 5_000);

      // While trials run, `sweep status` lists them from the index and the queue.
      const status = launch(['sweep', 'status', sweepId, '--index', index, '--queue', redis.url]);
      expect(await status.done).toBe(0);
      expect(status.out()).toMatch(new RegExp(`^sweep ${sweepId} · grid · metric w1 \\(min\\) · running`));
      expect(status.out()).toMatch(/\bjob\b/);

      // Interrupt the sweep after 3 trials ended: the queue keeps the rest for the workers.
      await until('3 trials to end', () => (sweep.err().match(/ · 80 steps: w1 /g) ?? []).length >= 3);
      sweep.child.kill('SIGINT');
      expect(await sweep.done).toBe(130);
      expect(sweep.err()).toContain(`continue with: npx saddlepoint sweep --resume`);

      const resumed = launch(['sweep', '--resume', out, '--queue', redis.url, '--index', index, '--json']);
      expect(await resumed.done).toBe(0);
      const summary = JSON.parse(resumed.out().trim().split('\n').pop()!);
      expect(summary.counts).toEqual({ done: TRIALS, stopped: 0, failed: 0, 'not-run': 0 });

      // The killed trial went to another worker, which continued it from the newest checkpoint it had kept.
      const logs = workers.slice(1).map((w) => w.err()).join('');
      expect(logs).toMatch(new RegExp(`\\[${sweepId}/${victim}\\] 80 steps in .* · retried`));
      expect(logs).toMatch(new RegExp(`\\[${sweepId}/${victim}\\] w1 [\\d.]+ · resumed from step ${resumeFrom}`));
      // Each trial completed once over all workers, and once in the index.
      const allLogs = workers.map((w) => w.err()).join('');
      const tid = (t: number) => `t${String(t).padStart(String(TRIALS - 1).length, '0')}`;
      for (let t = 0; t < TRIALS; t++) expect(allLogs.match(new RegExp(`\\[${sweepId}/${tid(t)}\\] w1 `, 'g')) ?? [], tid(t)).toHaveLength(1);
      const db = openRunIndex(index);
      try {
        const runs = db.listRuns({ sweep: sweepId });
        expect(runs.map((r) => [r.trial, r.status, r.steps]).sort()).toEqual(Array.from({ length: TRIALS }, (_, t) => [tid(t), 'done', 80]).sort());
        expect(db.getSweep(sweepId)?.status).toBe('done');
      } finally {
        db.close();
      }
      expect(readFileSync(join(out, 'trials', victim, 'train.log'), 'utf8')).toMatch(/--- saddlepoint train --resume .* --steps 80 /);
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
      sweep.child.kill('SIGKILL');
    }

    // The same sweep on the local pool: the same records, trial by trial.
    const local = launch(['sweep', spec, '--jobs', '2', '--out', join(dir, 'local'), '--no-index']);
    expect(await local.done).toBe(0);
    for (const t of Array.from({ length: TRIALS }, (_, i) => `t${String(i).padStart(String(TRIALS - 1).length, '0')}`)) expect(records(join(out, 'trials', t)), t).toEqual(records(join(dir, 'local', 'trials', t)));
  }, 400_000);

  it('compare --queue is a thin sweep: the workers train the runs, the table and run folders are compare\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-queue-'));
    const worker = launch(['worker', '--queue', redis.url, '--work', join(dir, 'work')]);
    try {
      const args = ['compare', '--remedies', 'none,pac2', '--seeds', '1', '--steps', '20', ...TINY.flatMap((x) => ['--set', x]), '--json'];
      const queued = launch([...args, '--queue', redis.url, '--out', join(dir, 'queued'), '--index', join(dir, 'index.sqlite')]);
      expect(await queued.done).toBe(0);
      expect(queued.err()).toContain(`through the queue redis://:***@127.0.0.1:${redis.port}`);
      const summary = JSON.parse(queued.out().trim().split('\n').pop()!);
      expect(summary.rows.map((r: { remedy: string; finished: number }) => [r.remedy, r.finished])).toEqual([['none', 1], ['pac2', 1]]);
      expect(worker.err()).toMatch(/\[compare-ring8-[\d-]+\/t0\] 20 steps in .*queued\/none\/seed-0 \(the sweep’s folder\)/);
      const local = launch([...args, '--out', join(dir, 'local')]);
      expect(await local.done).toBe(0);
      for (const row of ['none/seed-0', 'pac2/seed-0']) expect(records(join(dir, 'queued', row)), row).toEqual(records(join(dir, 'local', row)));
      const db = openRunIndex(join(dir, 'index.sqlite'));
      try {
        expect(db.listRuns({ where: 'status=done' }).map((r) => r.params)).toEqual([{ remedy: 'none', seed: 0 }, { remedy: 'pac2', seed: 0 }]);
      } finally {
        db.close();
      }
    } finally {
      worker.child.kill('SIGKILL');
    }
  }, 200_000);

  it('workers that do not share the sweep folder train in their own, send the results back, and a killed trial starts again elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-queue-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'apart', base: { preset: 'ring8', set: TINY }, seeds: 2, metric: { name: 'w1' }, budget: { steps: 80 } }));
    const a = launch(['worker', '--queue', redis.url, '--lock-seconds', '2', '--no-shared', '--work', join(dir, 'workA')]);
    const sweep = launch(['sweep', spec, '--queue', redis.url, '--out', join(dir, 'out'), '--index', join(dir, 'index.sqlite'), '--json']);
    let b: Launched | undefined;
    try {
      const started = () => /\[(apart-[\d-]+)\/(t\d+)\] training in pid (\d+)/.exec(a.err());
      await until('worker A to start a trial', () => started() !== null);
      const [, sweepId, victim] = started()!;
      // The trial's folder relative to the sweep's (trials/<id>), under the worker's own --work folder and the sweep's id.
      expect(a.err()).toContain(`${join(dir, 'workA', sweepId, 'trials', victim)} (this worker’s folder)`);
      const stepOf = () => {
        const now = currentRunDir(join(dir, 'workA', sweepId, 'trials', victim));
        return now ? latestRecords(now).step : 0;
      };
      await until(`${victim} to pass step 25`, () => stepOf() >= 25, 60_000);
      a.child.kill('SIGKILL');
      b = launch(['worker', '--queue', redis.url, '--lock-seconds', '2', '--no-shared', '--work', join(dir, 'workB')]);
      expect(await sweep.done).toBe(0);
      const summary = JSON.parse(sweep.out().trim().split('\n').pop()!);
      expect(summary.counts).toMatchObject({ done: 2, failed: 0 });
      // Worker B cannot see worker A's checkpoint: it trains the trial from the start, in its own folder.
      expect(b.err()).toMatch(new RegExp(`\\[${sweepId}/${victim}\\] w1 [\\d.]+ · new`));
      const victimRow = summary.rows.find((r: { id: string }) => r.id === victim);
      expect(victimRow.dir).toMatch(new RegExp(`:${join(dir, 'workB', sweepId, 'trials', victim)}$`));
      expect(records(join(dir, 'workB', sweepId, 'trials', victim)).filter((r) => r.kind === 'step')).toHaveLength(80);
      expect(existsSync(join(dir, 'out', 'trials', victim))).toBe(false);
    } finally {
      a.child.kill('SIGKILL');
      b?.child.kill('SIGKILL');
      sweep.child.kill('SIGKILL');
    }
  }, 200_000);
});
