import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seeded } from '../report/fixtures.ts';
import { cli, tmp } from './helpers.ts';

/**
 * The SIGKILL soak: one run killed at ≥ 50 random moments — between steps, inside checkpoint
 * writes (a checkpoint every 2 steps makes them a large share of the time), during start-up and
 * resume, before the first checkpoint — and resumed after each kill; at the end its records and final weights must equal those
 * of the same run trained without a stop. Slow (one process start per kill), so it runs with
 * `npm run test:slow`. The delays come from a seeded generator: the same soak every time.
 */
const slow = process.env.SADDLEPOINT_SLOW === '1';
const KILLS = 50;
const STEPS = 3000;
const flags = ['--no-report', '--backend', 'cpu', '--seed', '3', '--set', 'batchSize=16', '--set', 'model.g.hidden=[8]', '--set', 'model.d.hidden=[8]'];
const cadence = ['--set', 'checkpointEvery=2', '--set', 'keepCheckpoints=2', '--set', 'eval.every=50', '--set', 'eval.samples=64', '--set', 'eval.snapshots=false'];

/** Step and eval records without their timing, the only field that differs between runs. */
function records(runDir: string): unknown[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => ({ ...(JSON.parse(l) as Record<string, unknown>), ms: undefined, evalMs: undefined }));
}

const weights = (runDir: string) => readFileSync(join(runDir, 'checkpoints', String(STEPS), 'weights.bin'));

describe.skipIf(!slow)('SIGKILL soak', () => {
  it(`${KILLS} kills at random moments, each followed by a resume: the records and weights equal an uninterrupted run's`, async () => {
    const refOut = tmp();
    const ref = await cli(['train', '--steps', String(STEPS), '--out', refOut, ...flags, ...cadence], { timeoutMs: 600_000 });
    expect(ref.code, ref.stderr).toBe(0);
    const refDir = join(refOut, readdirSync(refOut)[0]);

    const out = tmp();
    const next = seeded(20261201);
    let runDir: string | undefined;
    let kills = 0;
    let midWrite = 0;
    let launches = 0;
    while (true) {
      launches++;
      // Kill 20–420 ms after the process says where it trains: start-up, steps and checkpoint writes all get hit.
      const delay = 20 + 400 * next();
      let timer: NodeJS.Timeout | undefined;
      const args = runDir ? ['train', '--resume', runDir, '--backend', 'cpu', '--no-report'] : ['train', '--steps', String(STEPS), '--out', out, ...flags, ...cadence];
      const r = await cli(args, {
        timeoutMs: 600_000,
        onStderr: (text, child) => {
          const dir = /run directory: (\S+)/.exec(text)?.[1];
          if (dir && !timer && kills < KILLS) {
            runDir ??= dir;
            // A kill before the first checkpoint is fine too: the resume starts the run over.
            timer = setTimeout(() => child.kill('SIGKILL'), delay);
          }
        },
      });
      clearTimeout(timer);
      if (r.signal === 'SIGKILL') {
        kills++;
        const dir = runDir ?? join(out, readdirSync(out)[0]);
        runDir = dir;
        if (existsSync(join(dir, 'checkpoints')) && readdirSync(join(dir, 'checkpoints')).some((n) => n.startsWith('.tmp'))) midWrite++;
        continue;
      }
      expect(r.code, r.stderr).toBe(0);
      break;
    }
    expect(kills).toBe(KILLS);
    // Some kills landed inside a checkpoint write (a temp folder was left for the next start to clean).
    expect(midWrite).toBeGreaterThan(0);
    expect(records(runDir!)).toEqual(records(refDir));
    expect(weights(runDir!).equals(weights(refDir))).toBe(true);
    process.stderr.write(`SIGKILL soak: ${kills} kills (${midWrite} inside a checkpoint write), ${launches} launches, records and weights exact\n`);
  }, 900_000);
});
