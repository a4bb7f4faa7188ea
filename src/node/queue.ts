/**
 * Sweeps over many machines: a sweep's rungs as BullMQ jobs on Redis, and `saddlepoint worker`,
 * which pulls them and trains each with {@link trainRung}. A job is data only — the trial's config
 * (validated by the run schema on the worker), the steps, the metric and where the sweep keeps its
 * runs — never code. Job ids are `<sweep>/<trial>/<steps>`, so a rung is enqueued once however
 * often the sweep is resumed. A worker that dies mid-trial takes its training child with it
 * (exitWithParent); BullMQ's stalled-job check hands the job to another worker, which continues
 * the trial from its last checkpoint when it sees the sweep's folder (a shared run store), or
 * trains it from the start in its own folder otherwise.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Job, Queue, QueueEvents, UnrecoverableError, WaitingError, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { ConfigError, QueueError } from '../errors.ts';
import { SWEEP_METRIC_NAMES, type SweepMetricName } from '../sweep/index.ts';
import { parseOrThrow } from '../validate.ts';
import { nodeRunConfigSchema } from './datasets.ts';
import { RUN_FILES } from './run-dir.ts';
import { finalMetrics } from './run-index.ts';
import { currentRunDir, settleRunDir, trainRung, type RungResult } from './rung.ts';

/**
 * How long Redis keeps a finished job (its result): a month. A sweep resumed later re-enqueues a
 * rung whose job is gone, and the worker reads the run it finds finished in a shared store.
 */
export const KEEP_JOBS_SECONDS = 30 * 24 * 3600;

/** The one queue every sweep's jobs go to (each job names its sweep). */
export const QUEUE_NAME = 'saddlepoint-trials';
/** In a sweep's folder: the sweep's id and a random token; a worker that reads the token a job carries shares the folder. */
export const STORE_TOKEN_FILE = '.saddlepoint-sweep';

/** A parsed `--queue` URL. */
export interface QueueAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
  /** The URL with its password masked, for messages and records. */
  shown: string;
}

/**
 * Parses `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS).
 *
 * @example
 * parseQueueUrl('redis://:secret@10.0.0.5:6380/2') // { host: '10.0.0.5', port: 6380, password: 'secret', db: 2, shown: 'redis://:***@10.0.0.5:6380/2', … }
 */
export function parseQueueUrl(text: string, flag = '--queue'): QueueAddress {
  const expected = 'expected redis://[:password@]host[:port][/db], e.g. redis://127.0.0.1:6379';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${flag}: "${text}" is not a URL; ${expected}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(`${flag}: the scheme is "${url.protocol.replace(/:$/, '')}"; ${expected}`);
  if (!url.hostname) throw new ConfigError(`${flag}: "${text}" names no host; ${expected}`);
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new ConfigError(`${flag}: the database "${dbText}" is not a number; ${expected}`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const masked = new URL(text);
  if (password !== undefined) masked.password = '***';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(username ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    db: dbText === '' ? 0 : Number(dbText),
    tls: url.protocol === 'rediss:',
    shown: masked.toString().replace(/\/$/, ''),
  };
}

/** ioredis options for an address; BullMQ's blocking connections need `maxRetriesPerRequest: null`. */
function connection(address: QueueAddress): ConnectionOptions {
  const { host, port, username, password, db, tls } = address;
  return { host, port, db, ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(tls ? { tls: {} } : {}), maxRetriesPerRequest: null };
}

/** What a Redis connection error means for the user. */
export function queueErrorText(address: QueueAddress, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const at = `${address.host}:${address.port}`;
  if (/WRONGPASS/.test(message)) return `${address.shown}: wrong password (or user) for the Redis server at ${at}`;
  if (/NOAUTH/.test(message)) return `${address.shown}: the Redis server at ${at} needs a password; give it in the URL: redis://:PASSWORD@${at}`;
  if (/without any password configured/.test(message)) return `${address.shown}: the Redis server at ${at} has no password set; leave it out of the URL`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return `${address.shown}: nothing listens at ${at} (is redis-server running there?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${address.shown}: unknown host "${address.host}"`;
  return `${address.shown}: cannot use the Redis server at ${at}: ${message}`;
}

/**
 * Connects once, authenticates and pings, with no retries: a wrong address or password is a
 * {@link QueueError} at once, before a sweep enqueues anything or a worker waits for jobs.
 */
export async function checkQueue(address: QueueAddress, timeoutMs = 5000): Promise<void> {
  const client = new Redis({ ...connection(address), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  // A refused AUTH reaches the 'error' event; connect() itself only says "Connection is closed".
  let refused: unknown;
  client.on('error', (err) => (refused ??= err));
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('server');
    const version = /redis_version:(\d+)\./.exec(info)?.[1];
    if (version !== undefined && Number(version) < 5) throw new QueueError(`${address.shown}: Redis ${version} is too old; BullMQ needs Redis 5 or newer`);
  } catch (err) {
    if (err instanceof QueueError) throw err;
    throw new QueueError(queueErrorText(address, refused ?? err));
  } finally {
    client.disconnect();
  }
}

/** A job: one rung of one trial of one sweep. */
export const rungJobSchema = z
  .object({
    sweep: z.string().min(1),
    trial: z.string().regex(/^t\d+$/, 'a trial id: t0, t1, …'),
    steps: z.number().int().positive(),
    metric: z.enum(SWEEP_METRIC_NAMES as [SweepMetricName, ...SweepMetricName[]]).nullable(),
    /** The trial's folder inside the store: relative, down only (`trials/t3`, `pac2/seed-1`). */
    path: z
      .string()
      .min(1)
      .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).some((part) => part === '..' || part === ''), 'a relative path inside the sweep folder, without ".." or empty parts'),
    config: z.record(z.string(), z.unknown()),
    /** The sweep's folder as the coordinator sees it, and the token in its STORE_TOKEN_FILE. */
    store: z.object({ dir: z.string().min(1), token: z.string().min(8) }).strict(),
  })
  .strict();
export type RungJob = z.output<typeof rungJobSchema>;

/** What a running job reports (BullMQ progress). */
export interface RungProgress {
  host: string;
  /** The training child, while it runs. */
  pid?: number;
  /** The newest step record's step. */
  step: number;
  /** The newest evaluation's numeric fields. */
  metrics: Record<string, number> | null;
  dir: string;
  shared: boolean;
}

/** The job id of a rung: stable, so enqueueing it again finds the first one. */
export function rungJobId(sweep: string, trial: string, steps: number): string {
  return `${sweep}/${trial}/${steps}`;
}

/** The newest step and evaluation in a run's metrics, from the file's last 64 KiB (cheap to poll). */
export function latestRecords(dir: string): { step: number; eval: Record<string, unknown> | undefined } {
  const path = join(dir, RUN_FILES.metrics);
  if (!existsSync(path)) return { step: 0, eval: undefined };
  const size = statSync(path).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  let step = 0;
  let last: Record<string, unknown> | undefined;
  for (const line of buffer.toString('utf8').split('\n')) {
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (typeof r.step === 'number') step = Math.max(step, r.step);
      if (r.kind === 'eval') last = r;
    } catch {
      // a torn first or last line of the window
    }
  }
  return { step, eval: last };
}

/** Options of {@link QueueRunner.open}. */
export interface QueueRunnerOptions {
  /** A job started or reported (step, metrics, host). */
  onProgress?(job: { trial: string; steps: number }, progress: RungProgress): void;
  /** How many times a job is tried when its worker fails (a stalled job is retried apart from this). */
  attempts?: number;
}

/** The coordinator's side: enqueues rungs and waits for their results. */
export class QueueRunner {
  private constructor(
    readonly address: QueueAddress,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly attempts: number,
  ) {}

  /** Checks the server, then opens the queue and its event stream. */
  static async open(address: QueueAddress, options: QueueRunnerOptions = {}): Promise<QueueRunner> {
    await checkQueue(address);
    const queue = new Queue(QUEUE_NAME, { connection: connection(address) });
    const events = new QueueEvents(QUEUE_NAME, { connection: connection(address) });
    queue.on('error', () => {});
    events.on('error', () => {});
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    if (options.onProgress) {
      const onProgress = options.onProgress;
      events.on('progress', ({ jobId, data }) => {
        const [, trial, steps] = jobId.split('/').slice(-3);
        if (trial && steps && typeof data === 'object' && data !== null) onProgress({ trial, steps: Number(steps) }, data as unknown as RungProgress);
      });
    }
    return new QueueRunner(address, queue, events, options.attempts ?? 3);
  }

  /**
   * Runs one rung through the queue: the job with its id when one exists (a resumed sweep finds
   * its results, or waits for the job still in the queue; a job that failed is retried), else a new one.
   */
  async run(job: RungJob): Promise<RungResult> {
    const id = rungJobId(job.sweep, job.trial, job.steps);
    let queued = await Job.fromId(this.queue, id);
    if (queued && (await queued.getState()) === 'failed') await queued.retry('failed');
    queued ??= await this.queue.add('rung', job, { jobId: id, attempts: this.attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: KEEP_JOBS_SECONDS }, removeOnFail: { age: KEEP_JOBS_SECONDS } });
    try {
      return (await queued.waitUntilFinished(this.events)) as RungResult;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, interrupted: false, value: null, metrics: null, record: null, wallSeconds: null, processSeconds: 0, error: `queue job ${id} failed: ${reason}`, exitCode: null, signal: null, lastStderr: reason, backend: null, diverged: null, how: 'new', resumedFrom: null, host: '?', dir: '' };
    }
  }

  /** The state and last progress of each job id (`missing` when the queue has none). */
  async jobStates(ids: readonly string[]): Promise<Map<string, { state: string; progress: RungProgress | null; attempts: number }>> {
    const out = new Map<string, { state: string; progress: RungProgress | null; attempts: number }>();
    for (const id of ids) {
      const job = await Job.fromId(this.queue, id);
      if (!job) continue;
      const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as RungProgress) : null;
      out.set(id, { state: await job.getState(), progress, attempts: job.attemptsStarted });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  address: QueueAddress;
  /** Jobs at once, one training child each. */
  concurrency: number;
  /** Where trials go when the sweep's folder is not visible here. */
  work: string;
  /** Use a sweep's folder when it is visible (default true); false trains every trial in `work`. */
  shared?: boolean;
  /** How long a job's lock lasts without renewal: a dead worker's job is handed on after about this long (default 30). */
  lockSeconds?: number;
  /** Environment of the children (default: this process's, OPENBLAS_NUM_THREADS=1 when concurrency > 1 and it is unset). */
  env?: NodeJS.ProcessEnv;
  log?(line: string): void;
}

/** A running worker. */
export interface QueueWorker {
  /** Stops taking jobs; running trials get Ctrl-C (they checkpoint) and go back to the queue. Resolves when all have. */
  stop(): Promise<void>;
  /** Jobs finished here so far (completed, whatever the trial's outcome). */
  readonly finished: number;
}

function readToken(dir: string): string | null {
  try {
    return readFileSync(join(dir, STORE_TOKEN_FILE), 'utf8').trim().split('\n')[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * A retried job's run may still hold the lock of the training child of the worker that had the
 * job before: that worker is dead (BullMQ's lock on the job expired) and its child died with it,
 * so a lock naming exactly that child is removed, on any host. Any other lock stays.
 */
function releaseDeadHoldersLock(dir: string, previous: RungProgress | null, log: (line: string) => void): void {
  if (!previous?.pid) return;
  const path = join(dir, RUN_FILES.lock);
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number; host?: string };
    if (owner.pid === previous.pid && owner.host === previous.host) {
      rmSync(path, { force: true });
      log(`removed ${path}: it was held by pid ${owner.pid} on ${owner.host}, the training child of the worker that had this job before and died`);
    }
  } catch {
    // no lock, or an unreadable one: the run's own lock rules apply
  }
}

/**
 * Starts `saddlepoint worker`: pulls rung jobs, validates each (a job that fails the schema or
 * whose config fails the run schema fails at once, without retries), trains it in a child, reports
 * progress every second, and returns the {@link RungResult} as the job's value. A trial that fails
 * (diverges, a config the run refuses) is a completed job with `ok: false`, not a retry.
 */
export async function startWorker(options: WorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? (() => {});
  const host = hostname();
  const shared = options.shared ?? true;
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  const env = options.env ?? (options.concurrency > 1 && process.env.OPENBLAS_NUM_THREADS === undefined ? { ...process.env, OPENBLAS_NUM_THREADS: '1' } : process.env);
  await checkQueue(options.address);
  const children = new Set<number>();
  let stopping = false;
  let finished = 0;

  const processor = async (job: Job, token?: string): Promise<RungResult> => {
    let data: RungJob;
    try {
      data = parseOrThrow(rungJobSchema, job.data, `job ${job.id}`);
      parseOrThrow(nodeRunConfigSchema, data.config, `config of job ${job.id}`);
    } catch (err) {
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    const inStore = shared && readToken(data.store.dir) === data.store.token;
    const dir = inStore ? join(data.store.dir, data.path) : join(options.work, data.sweep, data.path);
    const name = `[${data.sweep}/${data.trial}]`;
    if (job.attemptsStarted > 1 || job.stalledCounter > 0) {
      settleRunDir(dir);
      releaseDeadHoldersLock(dir, typeof job.progress === 'object' ? (job.progress as unknown as RungProgress) : null, log);
    }
    log(`${name} ${data.steps} steps in ${dir} (${inStore ? 'the sweep’s folder' : 'this worker’s folder'})${job.attemptsStarted > 1 || job.stalledCounter > 0 ? ' · retried' : ''}`);
    let pid: number | undefined;
    const report = () => {
      const now = currentRunDir(dir);
      const latest = now ? latestRecords(now) : { step: 0, eval: undefined };
      const progress: RungProgress = { host, ...(pid ? { pid } : {}), step: latest.step, metrics: finalMetrics(latest.eval), dir, shared: inStore };
      job.updateProgress(progress as unknown as object).catch(() => {});
      return progress;
    };
    const timer = setInterval(report, 1000);
    try {
      const result = await trainRung({ config: data.config, steps: data.steps, metric: data.metric }, dir, {
        env,
        detached: true,
        onSpawn(p) {
          pid = p;
          if (p) children.add(p);
          report();
          if (p) log(`${name} training in pid ${p}`);
        },
      });
      if (pid) children.delete(pid);
      if (result.interrupted && stopping && token) {
        // Stopped with its checkpoint: back to the queue for the next worker, not a failed attempt.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      log(`${name} ${result.ok ? (data.metric ? `${data.metric} ${result.value}` : 'done') : `failed: ${result.error}`} · ${result.how}${result.resumedFrom !== null ? ` from step ${result.resumedFrom}` : ''} · ${result.processSeconds.toFixed(1)} s`);
      finished++;
      return result;
    } finally {
      clearInterval(timer);
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connection(options.address),
    concurrency: options.concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.round(lockMs / 2)),
    // A job is handed on after a dead worker up to this often before it counts as failed.
    maxStalledCount: 3,
  });
  worker.on('error', (err) => log(`queue error: ${queueErrorText(options.address, err)}`));
  await worker.waitUntilReady();
  return {
    get finished() {
      return finished;
    },
    async stop() {
      stopping = true;
      const closing = worker.close();
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
      await closing;
    },
  };
}
