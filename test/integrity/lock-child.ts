// A child process for the two-writers test: takes the run lock of argv[2] at wall-clock time
// argv[4], writes what happened to argv[3]/<pid>.json, and a winner holds the lock until
// argv[3]/release exists, so every contender tries while it is held however slowly each starts.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunLockError } from '../../src/errors.ts';
import { acquireRunLock } from '../../src/node/run-dir.ts';

const [dir, results, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
const report = (value: object) => writeFileSync(join(results, `${process.pid}.json`), JSON.stringify({ pid: process.pid, ...value }));
try {
  const lock = acquireRunLock(dir);
  report({ ok: true });
  while (!existsSync(join(results, 'release'))) await new Promise((r) => setTimeout(r, 20));
  lock.release();
} catch (err) {
  if (!(err instanceof RunLockError)) throw err;
  report({ ok: false, message: err.message });
}
