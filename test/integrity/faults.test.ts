import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, canMount, exec, hashTree, runDirOf, tinyFlags, tmp, tsChild } from './helpers.ts';

/**
 * The fault-injection suite in real processes: the CLI's exit codes and messages, and what is on
 * disk afterwards. Full disks and read-only folders use a tmpfs and a read-only bind mount when
 * this process may mount (root in the sandbox); `ulimit -f` stands in for a full disk otherwise.
 *
 * Each test starts the CLI (tsx + tfjs) one to three times, which takes 15-35 s on the shared
 * 2-core machine, so the suite runs with `npm run test:slow` (SADDLEPOINT_SLOW=1); the in-process
 * suites beside it cover the same checks without processes.
 */
const slow = process.env.SADDLEPOINT_SLOW === '1';
const mountable = slow && (await canMount());
const mounts: string[] = [];
const mount = async (args: string[], target: string) => {
  const r = await exec('mount', [...args, target]);
  expect(r.code, r.stderr).toBe(0);
  mounts.push(target);
};
afterAll(async () => {
  for (const m of mounts.reverse()) await exec('umount', [m]);
});

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);
let base: string; // a finished 6-step run with checkpoints at 3 and 6

beforeAll(async () => {
  if (!slow) return;
  const r = await cli(['train', '--steps', '6', '--set', 'checkpointEvery=3', '--out', tmp(), '--json', ...tinyFlags]);
  expect(r.code, r.stderr).toBe(0);
  base = runDirOf(r);
}, 120_000);

/** A fresh copy of the base run (tests edit their own). */
const copyOfBase = () => {
  const dir = join(tmp(), 'run');
  cpSync(base, dir, { recursive: true });
  return dir;
};

describe.skipIf(!slow)('resume never harms a run', () => {
  it.each([['-1'], ['0'], ['6'], ['3']])('--steps %s on a run at step 6: exit 2 saying so, nothing on disk changed', async (steps) => {
    const dir = copyOfBase();
    const before = hashTree(dir);
    const r = await cli(['train', '--resume', dir, '--steps', steps, '--backend', 'cpu', '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --steps: got ${steps}; this run has a checkpoint at step 6, so --steps must be greater than 6`);
    expect(hashTree(dir)).toBe(before);
  });

  it.each<[string, (dir: string) => void, RegExp]>([
    ['a truncated weights.bin', (d) => writeFileSync(join(d, 'checkpoints/6/weights.bin'), readFileSync(join(d, 'checkpoints/6/weights.bin')).subarray(0, 50)), /checkpoints\/6: weights\.bin has 50 bytes, the manifest says \d+/],
    ["Adam's t edited", (d) => writeFileSync(join(d, 'checkpoints/6/checkpoint.json'), readFileSync(join(d, 'checkpoints/6/checkpoint.json'), 'utf8').replace('"t": 6', '"t": 2')), /checkpoints\/6: digest .* does not match/],
    ['the loss edited in config.json', (d) => writeFileSync(join(d, 'config.json'), readFileSync(join(d, 'config.json'), 'utf8').replace('"non-saturating"', '"hinge"')), /config\.json was edited since the run started \(changed: loss\)/],
    ['metrics.jsonl deleted', (d) => rmSync(join(d, 'metrics.jsonl')), /metrics\.jsonl is missing, but the checkpoint at step 6 recorded 6 lines/],
  ])('%s: exit 2 naming it, config.json not rewritten', async (_what, damage, message) => {
    const dir = copyOfBase();
    damage(dir);
    const before = hashTree(dir);
    const r = await cli(['train', '--resume', dir, '--steps', '9', '--backend', 'cpu', '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
    expect(hashTree(dir)).toBe(before);
  });

  it('--allow-changed-config resumes an edited run and records the new fingerprint', async () => {
    const dir = copyOfBase();
    writeFileSync(join(dir, 'config.json'), readFileSync(join(dir, 'config.json'), 'utf8').replace('"non-saturating"', '"hinge"'));
    const r = await cli(['train', '--resume', dir, '--steps', '8', '--backend', 'cpu', '--no-report', '--allow-changed-config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: config\.json was edited since the run started \(changed: loss\) \(allowed by --allow-changed-config\)/);
    const again = await cli(['train', '--resume', dir, '--steps', '9', '--backend', 'cpu', '--no-report']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/warning/);
  });
});

describe.skipIf(!slow)('one writer per run', () => {
  it('three children racing acquireRunLock: exactly one wins each round, the others are told its pid', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = tmp();
      const results = tmp();
      const children = [0, 1, 2].map(() => tsChild(join(import.meta.dirname, 'lock-child.ts'), [dir, results, String(Date.now() + 3000)]));
      // Release the winner only once all three have tried.
      while (readdirSync(results).filter((n) => n.endsWith('.json')).length < 3) await new Promise((r) => setTimeout(r, 50));
      writeFileSync(join(results, 'release'), '');
      for (const r of await Promise.all(children)) expect(r.code, r.stderr).toBe(0);
      const lines = readdirSync(results).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(results, n), 'utf8')) as { ok: boolean; pid: number; message?: string });
      const winners = lines.filter((l) => l.ok);
      expect(winners).toHaveLength(1);
      const losers = lines.filter((l) => !l.ok);
      expect(losers).toHaveLength(2);
      for (const loser of losers) expect(loser.message).toMatch(new RegExp(`run is in use by pid ${winners[0].pid} on host `));
      expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    }
  }, 90_000);

  it('two `train --resume` at once: one trains, the other exits 2 naming the owner; the records stay whole', async () => {
    const dir = copyOfBase();
    const [a, b] = await Promise.all([
      cli(['train', '--resume', dir, '--steps', '60', '--backend', 'cpu', '--no-report']),
      cli(['train', '--resume', dir, '--steps', '40', '--backend', 'cpu', '--no-report']),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(/error: .*: run is in use by pid \d+ on host .*; wait for it to finish or stop it first/);
    const winnerSteps = a.code === 0 ? 60 : 40;
    const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number }).filter((r) => r.kind === 'step').map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: winnerSteps }, (_, i) => i + 1));
    expect(readdirSync(join(dir, 'checkpoints')).map(Number).sort((x, y) => x - y).pop()).toBe(winnerSteps);
  }, 120_000);
});

describe.skipIf(!slow)('disk and file errors are named, with exit 2', () => {
  it.skipIf(!mountable)('a full disk (a 100 KB tmpfs as --out): exit 2, ENOSPC with the path, no torn metrics line', async () => {
    const out = tmp();
    await mount(['-t', 'tmpfs', '-o', 'size=100k', 'tmpfs'], out);
    const r = await cli(['train', '--steps', '40', '--set', 'checkpointEvery=5', '--out', out, ...tinyFlags, '--set', 'model.g.hidden=[64,64]', '--set', 'model.d.hidden=[64,64]']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: ${out}/[^:]+: cannot [a-z ]+[^(]* \\(ENOSPC\\): the disk is full; free some space`));
    noStack(r.stderr);
    const [run] = readdirSync(out);
    const metrics = readFileSync(join(out, run, 'metrics.jsonl'), 'utf8');
    expect(metrics.endsWith('\n')).toBe(true);
    expect(existsSync(join(out, run, 'run.lock'))).toBe(false);
  });

  it('a file-size limit (ulimit -f) stands in for a full disk: exit 2, EFBIG with the path', async () => {
    const out = tmp();
    const cmd = `ulimit -f 40; exec "${process.execPath}" "${join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js')}" train --steps 20 --set checkpointEvery=5 --out "${out}" ${tinyFlags.map((f) => `'${f}'`).join(' ')} --set 'model.g.hidden=[64,64]' --set 'model.d.hidden=[64,64]'`;
    const r = await exec('bash', ['-c', cmd]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: ${out}/.*\\(EFBIG\\): the file is larger than this process may write`));
    noStack(r.stderr);
  });

  it.skipIf(!mountable)('a read-only run directory (bind mount): resume exits 2 with EROFS, nothing changed', async () => {
    const dir = copyOfBase();
    const before = hashTree(dir);
    await mount(['--bind', dir], dir);
    const remount = await exec('mount', ['-o', 'remount,bind,ro', dir]);
    expect(remount.code, remount.stderr).toBe(0);
    const r = await cli(['train', '--resume', dir, '--steps', '9', '--backend', 'cpu', '--no-report']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: ${dir}/[^ ]+: cannot .* \\(EROFS\\): the file system is read-only; pick a writable folder with --out`));
    noStack(r.stderr);
    expect(hashTree(dir)).toBe(before);
  });

  it.skipIf(!mountable)('a read-only --out: a new run exits 2 with EROFS naming the folder', async () => {
    const out = tmp();
    await mount(['--bind', out], out);
    await exec('mount', ['-o', 'remount,bind,ro', out]);
    const r = await cli(['train', '--steps', '3', '--out', out, ...tinyFlags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: ${out}/[^ ]+: cannot create the run directory \\(EROFS\\)`));
    noStack(r.stderr);
  });

  it('weights.bin replaced by a folder: exit 2 with EISDIR, not a stack trace', async () => {
    const dir = copyOfBase();
    rmSync(join(dir, 'checkpoints/6/weights.bin'));
    mkdirSync(join(dir, 'checkpoints/6/weights.bin'));
    const r = await cli(['eval', dir, '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: ${join(dir, 'checkpoints/6/weights.bin')}: cannot read the checkpoint weights (EISDIR)`);
    noStack(r.stderr);
  });
});

describe.skipIf(!slow)('signals', () => {
  it('SIGTERM is handled like Ctrl-C: a checkpoint, exit 143, and the run resumes', async () => {
    const out = tmp();
    let sent = false;
    const r = await cli(['train', '--steps', '100000', '--out', out, ...tinyFlags], {
      onStderr: (text, child) => {
        if (!sent && /step \d+\/100000/.test(text)) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/stopped at step (\d+); checkpoint saved/);
    const step = Number(/stopped at step (\d+)/.exec(r.stderr)![1]);
    const [run] = readdirSync(out);
    expect(readdirSync(join(out, run, 'checkpoints'))).toEqual([String(step)]);
    expect(existsSync(join(out, run, 'run.lock'))).toBe(false);
    const resumed = await cli(['train', '--resume', join(out, run), '--steps', String(step + 2), '--backend', 'cpu', '--no-report']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming at step ${step}`);
  }, 60_000);
});

describe.skipIf(!slow)('a kill before the first checkpoint', () => {
  it('SIGKILL after a few steps with no checkpoint yet: --resume starts the run over and ends with the records of an unbroken run', async () => {
    const out = tmp();
    const flags = ['--steps', '60', '--seed', '2', '--set', 'checkpointEvery=1000', ...tinyFlags];
    let sent = false;
    const killed = await cli(['train', '--out', out, ...flags], {
      onStderr: (text, child) => {
        if (!sent && /step \d+\/60/.test(text)) {
          sent = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const [run] = readdirSync(out);
    const dir = join(out, run);
    expect(existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')).filter((n) => /^\d+$/.test(n)) : []).toEqual([]);
    const resumed = await cli(['train', '--resume', dir, '--backend', 'cpu', '--no-report']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/the run stopped before its first checkpoint .*it starts over from step 0/);
    const whole = tmp();
    expect((await cli(['train', '--out', whole, ...flags])).code).toBe(0);
    const records = (d: string) => readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), ms: undefined }));
    expect(records(dir)).toEqual(records(join(whole, readdirSync(whole)[0])));
  }, 120_000);
});

describe.skipIf(!slow)('bad input is refused with exit 2 before any run directory exists', () => {
  const files = tmp();
  writeFileSync(join(files, 'inf.yaml'), 'steps: 1e999\n');
  writeFileSync(join(files, 'nan.yaml'), 'optim:\n  g:\n    lr: .nan\n');
  writeFileSync(join(files, 'big.csv'), 'x,y\n1,2\n3,1e39\n');
  it.each<[string[], RegExp]>([
    [['train', '--set', '__proto__.steps=7'], /--set __proto__\.steps=7: '__proto__' in '__proto__' is not a config field/],
    [['train', '--steps', '0x5'], /--steps: got "0x5"; expected an integer in decimal digits/],
    [['compare', '--seeds', '0x10'], /--seeds: got "0x10"; expected a positive integer in decimal digits/],
    [['train', '--config', join(files, 'inf.yaml')], /steps: got 1e999 \(Infinity\) in .*inf\.yaml; expected a finite number/],
    [['train', '--nosuch'], /error: unknown option '--nosuch'/],
    [['trian'], /error: unknown command 'trian'/],
    [['train', '--set', 'eval.samples=1'], /eval\.samples: the evaluator needs at least 2 samples/],
    [['train', '--set', 'batchSize=100000000'], /batchSize: 100000000 needs about [\d.]+ GB for activations of one training step, but about [\d.]+ [GM]B of memory is available/],
    [['train', '--set', `data={"kind":"points","path":"${join(files, 'big.csv')}"}`], /big\.csv: line 3, column 2 is 1e39, beyond float32's range/],
  ])('%j', async (args, message) => {
    const out = tmp();
    const r = await cli([...args, '--out', join(out, 'runs'), '--backend', 'cpu', ...(args[0] === 'train' ? ['--no-report'] : [])]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
    expect(readdirSync(out)).toEqual([]);
  });
});
