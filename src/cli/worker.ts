import type { Command } from 'commander';
import { hostname } from 'node:os';
import { ConfigError } from '../errors.ts';
import { parseQueueUrl, startWorker } from '../node/index.ts';
import { exitWithError } from './errors.ts';
import { positiveIntFlag } from './flags.ts';
import { STOP_SIGNALS, type StopSignal } from './interrupt.ts';

interface WorkerFlags {
  queue?: string;
  concurrency?: string;
  work: string;
  shared: boolean;
  lockSeconds?: string;
}

async function worker(flags: WorkerFlags): Promise<void> {
  if (flags.queue === undefined) throw new ConfigError('worker: --queue is required: the Redis URL the sweep enqueues on, e.g. --queue redis://127.0.0.1:6379');
  const address = parseQueueUrl(flags.queue);
  const concurrency = positiveIntFlag('--concurrency', flags.concurrency) ?? 1;
  const lockSeconds = flags.lockSeconds === undefined ? 30 : Number(flags.lockSeconds);
  if (!Number.isFinite(lockSeconds) || lockSeconds < 1 || lockSeconds > 3600) throw new ConfigError(`--lock-seconds: got "${flags.lockSeconds}"; give seconds from 1 to 3600`);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const running = await startWorker({ address, concurrency, work: flags.work, shared: flags.shared, lockSeconds, log });
  log(`worker on ${hostname()} (pid ${process.pid}) · queue ${address.shown} · ${concurrency} at a time · trials of unshared sweeps in ${flags.work} · Ctrl-C stops`);
  await new Promise<void>((done) => {
    let stopping = false;
    const handler = (sig: StopSignal) => () => {
      if (stopping) process.exit(STOP_SIGNALS[sig]);
      stopping = true;
      log(`${sig}: stopping; running trials save a checkpoint and go back to the queue (again to quit now)`);
      running.stop().then(
        () => {
          log(`stopped after ${running.finished} job${running.finished === 1 ? '' : 's'}`);
          process.exitCode = STOP_SIGNALS[sig];
          done();
        },
        (err: unknown) => exitWithError(err),
      );
    };
    for (const sig of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(sig, handler(sig));
  });
}

/** Registers `saddlepoint worker`. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('train the trials of sweeps run with --queue: pull rungs from Redis, train each in a child, report progress and results')
    .option('--queue <url>', 'the Redis the sweeps enqueue on: redis://[:password@]host:port[/db]')
    .option('--concurrency <n>', 'trials at once, one child process each', '1')
    .option('--work <dir>', "where trials go when the sweep's folder is not visible from this machine", 'runs/worker')
    .option('--no-shared', "never train in the sweep's folder, even when it is visible (every trial in --work)")
    .option('--lock-seconds <s>', "a job's lock: after a worker dies, its trial is handed to another after about this long", '30')
    .addHelpText(
      'after',
      '\nA trial whose sweep folder this machine sees (the same path, e.g. a shared disk) trains there, and a retried trial continues\n' +
        "from its last checkpoint; otherwise it trains in --work from the start. Jobs carry configs only, validated here before training.\n\n" +
        'Examples:\n  npx saddlepoint worker --queue redis://127.0.0.1:6379\n  npx saddlepoint worker --queue redis://:secret@10.0.0.5:6379 --concurrency 2',
    )
    .action((flags: WorkerFlags) => worker(flags).catch(exitWithError));
}
