import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, DivergenceError } from '../../src/errors.ts';
import { listCheckpoints, readCheckpoint, readMetrics, runTraining } from '../../src/node/index.ts';
import { selectTestBackend } from '../helpers/backend.ts';
import { tinyConfig } from '../helpers/configs.ts';

beforeAll(() => selectTestBackend('cpu'));

const tmp = () => mkdtempSync(join(tmpdir(), 'saddlepoint-'));
const steps = (dir: string) => readMetrics(join(dir, 'metrics.jsonl')).map(({ ms: _ms, ...rest }) => rest);

describe('run directories', () => {
  it.each([
    ['wgan-gp (penalty randomness)', { loss: { name: 'wgan-gp' } }],
    ['BEGAN with batch norm and dropout (loss state, buffers, dropout stream)', { loss: { name: 'began' }, model: { d: { norm: 'batch', dropout: 0.1 }, g: { norm: 'batch' } } }],
    [
      'stabilized (spectral-norm u/v, instance-noise stream and schedule, historical averages, EMA weights used by the evaluator, packing)',
      {
        stabilizers: [
          { name: 'spectral-norm' },
          { name: 'instance-noise', sigma: 0.3, annealSteps: 30 },
          { name: 'historical-averaging' },
          { name: 'feature-matching', mode: 'add' },
          { name: 'minibatch-std' },
          { name: 'label-smoothing' },
          { name: 'ema', beta: 0.9 },
          { name: 'packing', m: 2 },
        ],
      },
    ],
  ])('%s: a run resumed from step N equals one that never stopped', async (_name, over) => {
    const config = tinyConfig({ ...over, steps: 40, checkpointEvery: 20, eval: { every: 15, samples: 200 } });
    const whole = await runTraining({ config, outRoot: tmp() });
    let calls = 0;
    const first = await runTraining({ config, outRoot: tmp(), shouldStop: () => ++calls >= 20 });
    expect(first.status).toBe('stopped');
    expect(listCheckpoints(first.runDir)).toEqual([15, 20]); // the early first checkpoint at the first evaluation, then the stop
    const resumed = await runTraining({ resume: first.runDir });
    expect(resumed.steps).toBe(40);
    const a = steps(whole.runDir);
    const b = steps(resumed.runDir);
    expect(b.filter((r) => r.kind === 'step').length).toBe(40);
    expect(b.filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([15, 30, 40]);
    expect(b.slice(20)).toEqual(a.slice(20));
    expect(b).toEqual(a);
  });

  it('writes config.json with the resolved config and checkpoints in a browser-loadable manifest', async () => {
    const config = tinyConfig({ steps: 30, checkpointEvery: 10, keepCheckpoints: 2 });
    const run = await runTraining({ config, outRoot: tmp(), facts: { backend: 'cpu' } });
    const stored = JSON.parse(readFileSync(join(run.runDir, 'config.json'), 'utf8'));
    expect(stored.loss).toEqual({ name: 'non-saturating' });
    expect(stored._run.backend).toBe('cpu');
    expect(listCheckpoints(run.runDir)).toEqual([20, 30]); // keeps the newest two
    const ckpt = readCheckpoint(join(run.runDir, 'checkpoints', '30'));
    const names = ckpt.manifest.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toContain('G/dense0/kernel');
    expect(names).toContain('optim/d/D/dense0/kernel/m');
    expect(ckpt.manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(readdirSync(join(run.runDir, 'checkpoints')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('refuses a corrupt checkpoint with the path and the reason, and a torn one', async () => {
    const run = await runTraining({ config: tinyConfig({ steps: 10, checkpointEvery: 10 }), outRoot: tmp() });
    const dir = join(run.runDir, 'checkpoints', '10');
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[100] ^= 0xff;
    writeFileSync(join(dir, 'weights.bin'), weights);
    await expect(runTraining({ resume: run.runDir })).rejects.toThrow(CheckpointError);
    await expect(runTraining({ resume: run.runDir })).rejects.toThrow(/checkpoints\/10: digest sha256:[0-9a-f]{64} does not match the manifest's sha256:[0-9a-f]{64}: checkpoint\.json or weights\.bin was changed/);
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 50));
    await expect(runTraining({ resume: run.runDir })).rejects.toThrow(/has 50 bytes, the manifest says \d+: the file is torn/);
    writeFileSync(join(dir, 'checkpoint.json'), '{"format": "something-else"}');
    await expect(runTraining({ resume: run.runDir })).rejects.toThrow(/not a saddlepoint checkpoint/);
  });

  it('trains on the user’s own points from a CSV file, and refuses a broken one with its path', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 50 }, (_, i) => `${(3 + 0.01 * Math.sin(i)).toFixed(4)},${(0.01 * Math.cos(i)).toFixed(4)}`);
    writeFileSync(join(dir, 'pts.csv'), `x,y\n${rows.join('\n')}\n`);
    const run = await runTraining({ config: tinyConfig({ data: { kind: 'points', path: join(dir, 'pts.csv') }, steps: 5 }), outRoot: dir });
    expect(run.steps).toBe(5);
    writeFileSync(join(dir, 'bad.csv'), 'x,y\n1,2\n3,oops\n');
    await expect(runTraining({ config: tinyConfig({ data: { kind: 'points', path: join(dir, 'bad.csv') }, steps: 5 }), outRoot: dir })).rejects.toThrow(
      /bad\.csv: line 3, column 2 is "oops", not a number/,
    );
  });

  it('refuses to resume a folder that is not a run', async () => {
    await expect(runTraining({ resume: tmp() })).rejects.toThrow(/no config\.json here: not a saddlepoint run directory/);
  });

  it('on NaN/Inf: reports the step, records it, and keeps the last good checkpoint', async () => {
    // Measured: WGAN with SGD at lr 1e5 overflows at step 10 on this seed (checkpoints every 2 steps).
    const config = tinyConfig({ steps: 200, checkpointEvery: 2, loss: { name: 'wasserstein' }, optim: { d: { name: 'sgd', lr: 1e5 }, g: { name: 'sgd', lr: 1e5 } } });
    const outRoot = tmp();
    const err = await runTraining({ config, outRoot }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).step).toBe(10);
    const message = (err as Error).message;
    expect(message).toMatch(/training diverged at step 10: D's .*= (NaN|Infinity)/);
    const good = /last good checkpoint: (.+)$/.exec(message)?.[1];
    expect(good).toMatch(/checkpoints\/8$/);
    expect(readCheckpoint(good!).manifest.step).toBe(8);
    const runDir = good!.replace(/\/checkpoints\/8$/, '');
    expect(listCheckpoints(runDir)).toEqual([4, 6, 8]);
    const records = readMetrics(join(runDir, 'metrics.jsonl'));
    expect(records.at(-1)).toMatchObject({ kind: 'diverged', step: 10 });
    expect(records.filter((r) => r.kind === 'step').length).toBe(9);
  });
});
