import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's redis-server (`.ci/run` installs it). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether the tests that need Redis can run here. On CI they must: a missing server fails them instead of skipping. */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  if (process.env.CI) throw new Error(`${REDIS_SERVER} is missing; .ci/run installs it (apt-get install -y redis-server)`);
  console.warn(`skipping the tests that need Redis: ${REDIS_SERVER} is missing (apt-get install -y redis-server)`);
  return false;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server of the test's own, on a free loopback port, with nothing persisted. */
export interface TestRedis {
  port: number;
  /** `redis://[:password@]127.0.0.1:port` */
  url: string;
  stop(): Promise<void>;
}

/** Starts a private redis-server (with `password` when given) and waits until it accepts connections. */
export async function startRedis(password?: string): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sp-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(password ? ['--requirepass', password] : [])];
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
  return {
    port,
    url: `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
