/**
 * The queue's cost per trial: N tiny trials (a few steps, tiny nets on cpu, so a trial is mostly
 * process start-up) on the local pool with --jobs 2, and through a private Redis with 2 workers
 * of concurrency 1, side by side in one run: in rounds of a local and a queued sweep of N/rounds
 * trials each, the order alternating from round to round, so neither a load change on the shared
 * machine nor the first sweep's warm-up favours one. Prints both walls
 * and the overhead per trial slot: (queue wall − local wall) × 2 / N.
 *
 *   npm run bench:queue                          # 200 trials in 4 rounds
 *   npm run bench:queue -- --trials 40 --rounds 2
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/saddlepoint.js', import.meta.url));
const REDIS = '/usr/bin/redis-server';
function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: give a positive integer, got ${process.argv[i + 1]}`);
  return value;
}
const trials = intArg('--trials', 200);
const rounds = intArg('--rounds', 4);
if (trials % rounds !== 0 || trials / rounds < 2) throw new Error(`--trials ${trials} must split into --rounds ${rounds} of at least 2 trials each`);
if (!existsSync(REDIS)) throw new Error(`${REDIS} is missing: apt-get install -y redis-server`);

const { OPENBLAS_NUM_THREADS: _own, ...baseEnv } = process.env;
const env = { ...baseEnv, FORCE_COLOR: '0', OPENBLAS_NUM_THREADS: '1' };

function run(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
}

async function port(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function timed(label: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const { code, stderr } = await run(args).done;
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${label} exited ${code}:\n${stderr}`);
  return seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'sp-queue-load-'));
const spec = join(dir, 'spec.json');
const set = ['backend=cpu', 'batchSize=32', 'model.g.hidden=[16]', 'model.d.hidden=[16]', 'eval.samples=200', 'eval.snapshots=false'];
writeFileSync(spec, JSON.stringify({ name: 'load', base: { preset: 'ring8', set }, seeds: trials / rounds, metric: { name: 'w1' }, budget: { steps: 5 } }));

const redisPort = await port();
const redis = spawn(REDIS, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const url = `redis://127.0.0.1:${redisPort}`;
const workers = [0, 1].map(() => run(['worker', '--queue', url, '--work', join(dir, 'work')]));
// A Ctrl-C or kill of the bench takes its Redis and workers with it.
process.on('exit', () => {
  for (const w of workers) w.child.kill('SIGKILL');
  redis.kill('SIGTERM');
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.on(signal, () => process.exit(code));
try {
  process.stderr.write(`${trials} trials, 2 at a time, in ${rounds} rounds (local first in even rounds, queue first in odd ones)…\n`);
  let local = 0;
  let queued = 0;
  for (let r = 0; r < rounds; r++) {
    // Which goes first alternates: the first sweep of a round pays for what the second finds warm.
    const localSweep = () => timed('local sweep', ['sweep', spec, '--jobs', '2', '--out', join(dir, `local-${r}`), '--no-index']);
    const queuedSweep = () => timed('queued sweep', ['sweep', spec, '--queue', url, '--out', join(dir, `queued-${r}`), '--no-index']);
    let l: number;
    let q: number;
    if (r % 2 === 0) {
      l = await localSweep();
      q = await queuedSweep();
    } else {
      q = await queuedSweep();
      l = await localSweep();
    }
    local += l;
    queued += q;
    process.stderr.write(`round ${r + 1}: local ${l.toFixed(1)} s, queue ${q.toFixed(1)} s\n`);
  }
  const overhead = ((queued - local) * 2) / trials;
  const result = { date: new Date().toISOString(), trials, rounds, slots: 2, localSeconds: local, queueSeconds: queued, localPerTrial: (local * 2) / trials, queuePerTrial: (queued * 2) / trials, overheadPerTrial: overhead };
  process.stdout.write(
    `| trials | local pool (--jobs 2) | queue (2 workers) | per trial slot, local | per trial slot, queue | queue overhead per trial |\n|---|---|---|---|---|---|\n` +
      `| ${trials} | ${local.toFixed(1)} s | ${queued.toFixed(1)} s | ${result.localPerTrial.toFixed(2)} s | ${result.queuePerTrial.toFixed(2)} s | ${overhead.toFixed(3)} s |\n${JSON.stringify(result)}\n`,
  );
} finally {
  for (const w of workers) w.child.kill('SIGKILL');
  redis.kill('SIGTERM');
}
