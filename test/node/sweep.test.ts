import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/index.ts';
import { openRunIndex } from '../../src/node/run-index.ts';
import { readMetrics } from '../../src/node/run-dir.ts';

const bin = fileURLToPath(new URL('../../bin/saddlepoint.js', import.meta.url));

/** Tiny nets, a small eval, no snapshots, cpu: a trial is mostly process start-up. */
const TINY = ['backend=cpu', 'batchSize=32', 'model.g.hidden=[16]', 'model.d.hidden=[16]', 'eval.samples=200', 'eval.snapshots=false', 'checkpointEvery=1000'];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { OPENBLAS_NUM_THREADS: _own, ...env } = process.env;
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

function specFile(dir: string, spec: object): string {
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

describe('saddlepoint sweep, end to end', () => {
  it('refuses a bad spec, naming the field, before any trial starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-sweep-'));
    const spec = specFile(dir, { name: 'bad', base: { preset: 'ring8' }, space: [{ path: 'model.g.hiden', values: [[8]] }], metric: { name: 'w1' } });
    const r = await cli(['sweep', spec, '--out', join(dir, 'out'), '--index', join(dir, 'index.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: invalid config of trial t0 (model.g.hiden=[8] seed=0):\n  model.g: unknown field 'hiden'\n");
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'index.sqlite'))).toBe(false);
  });

  it('grid: remedies × 2 seeds as child processes, every trial in the index, the best config ready for --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-sweep-'));
    const spec = specFile(dir, { name: 'tiny-grid', base: { preset: 'ring8', set: TINY }, remedies: ['none', 'pac2'], seeds: 2, metric: { name: 'w1' }, budget: { steps: 20 } });
    const out = join(dir, 'out');
    const indexPath = join(dir, 'index.sqlite');
    const r = await cli(['sweep', spec, '--jobs', '2', '--out', out, '--index', indexPath, '--json']);
    expect(r.stderr).toMatch(/saddlepoint sweep tiny-grid · grid · 4 trials · rungs 20 steps · metric w1 \(min\) · 2 at a time/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.counts).toEqual({ done: 4, stopped: 0, failed: 0, 'not-run': 0 });
    expect(summary.rows.map((x: { id: string; params: object; steps: number }) => [x.id, x.params, x.steps])).toEqual([
      ['t0', { remedy: 'none', seed: 0 }, 20],
      ['t1', { remedy: 'none', seed: 1 }, 20],
      ['t2', { remedy: 'pac2', seed: 0 }, 20],
      ['t3', { remedy: 'pac2', seed: 1 }, 20],
    ]);
    const index = openRunIndex(indexPath);
    try {
      const runs = index.listRuns({ sweep: summary.id });
      expect(runs.map((x) => [x.trial, x.status, x.steps, x.host])).toEqual(['t0', 't1', 't2', 't3'].map((t) => [t, 'done', 20, hostname()]));
      for (const run of runs) {
        // The index holds what the run directory holds: the last evaluation at step 20.
        const last = readMetrics(join(run.dir!, 'metrics.jsonl')).filter((x) => x.kind === 'eval').at(-1)!;
        expect(last.step).toBe(20);
        expect(run.metrics?.w1).toBe(last.w1);
        expect(run.metrics?.modesTotal).toBe(8);
        expect(run.wallSeconds).toBeGreaterThan(0);
        expect(run.startedAt! <= run.finishedAt!).toBe(true);
      }
      const best = index.bestRun(summary.id, 'w1', 'min')!;
      expect(best.metrics!.w1).toBe(Math.min(...runs.map((x) => x.metrics!.w1)));
      expect(summary.best.id).toBe(best.trial);
      expect(index.getSweep(summary.id)).toMatchObject({ status: 'done', strategy: 'grid', metric: 'w1', direction: 'min', trials: 4 });
      expect(index.listRuns({ sweep: summary.id, where: 'param.remedy=pac2' }).map((x) => x.trial)).toEqual(['t2', 't3']);
    } finally {
      index.close();
    }
    const bestConfig = JSON.parse(readFileSync(join(out, 'best-config.json'), 'utf8'));
    expect(runConfigSchema.parse(bestConfig)).toEqual(bestConfig);
    expect(bestConfig).toEqual(summary.bestConfig);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toMatch(/^\| t0 .*\| none \| 0 \| done \| 20 \|/m);
    expect([...readFileSync(join(out, 'sweep.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }, 300_000);

  it('asha: the best third at the first rung is resumed from its checkpoint to the top rung, the rest stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-sweep-'));
    const spec = specFile(dir, {
      name: 'tiny-asha',
      base: { preset: 'ring8', set: TINY },
      space: [{ path: 'optim.d.lr', 'log-uniform': { min: 1e-4, max: 1e-2 } }],
      metric: { name: 'w1' },
      budget: { trials: 3 },
      strategy: { name: 'asha', minSteps: 10, reductionFactor: 3, maxSteps: 30 },
    });
    const out = join(dir, 'out');
    const r = await cli(['sweep', spec, '--jobs', '2', '--out', out, '--index', join(dir, 'index.sqlite'), '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.counts).toEqual({ done: 1, stopped: 2, failed: 0, 'not-run': 0 });
    const w1At10 = ['t0', 't1', 't2'].map((t) => readMetrics(join(out, 'trials', t, 'metrics.jsonl')).find((x) => x.kind === 'eval' && x.step === 10)!.w1 as number);
    const promoted = `t${w1At10.indexOf(Math.min(...w1At10))}`;
    expect(r.stderr).toContain(`[${promoted}] promoted: resuming to 30 steps`);
    const top = summary.rows.find((x: { id: string }) => x.id === promoted);
    expect(top).toMatchObject({ status: 'done', steps: 30, rank: 1 });
    // Resumed, not restarted: one record per step 1…30 and evaluations at both rungs, checkpoints at both.
    const records = readMetrics(join(out, 'trials', promoted, 'metrics.jsonl'));
    expect(records.filter((x) => x.kind === 'step').map((x) => x.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(records.filter((x) => x.kind === 'eval').map((x) => x.step)).toEqual([10, 30]);
    expect(existsSync(join(out, 'trials', promoted, 'checkpoints', '10'))).toBe(true);
    expect(existsSync(join(out, 'trials', promoted, 'checkpoints', '30'))).toBe(true);
    expect(readFileSync(join(out, 'trials', promoted, 'train.log'), 'utf8')).toMatch(/--- saddlepoint train --resume .* --steps 30 --no-report --json/);
    const index = openRunIndex(join(dir, 'index.sqlite'));
    try {
      const runs = index.listRuns({ sweep: summary.id, sort: 'trial' });
      expect(runs.map((x) => [x.trial, x.status, x.steps])).toEqual(['t0', 't1', 't2'].map((t) => (t === promoted ? [t, 'done', 30] : [t, 'stopped', 10])));
      expect(index.bestRun(summary.id, 'w1', 'min')?.trial).toBe(promoted);
    } finally {
      index.close();
    }
  }, 300_000);

  it('Ctrl-C stops launching; --resume runs the rest and the sweep ends as if never stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-sweep-'));
    const spec = specFile(dir, { name: 'tiny-resume', base: { preset: 'ring8', set: TINY }, seeds: 3, metric: { name: 'w1' }, budget: { steps: 20 } });
    const out = join(dir, 'out');
    const indexPath = join(dir, 'index.sqlite');
    const { OPENBLAS_NUM_THREADS: _own, ...env } = process.env;
    const child = spawn(process.execPath, [bin, 'sweep', spec, '--jobs', '1', '--out', out, '--index', indexPath], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      // The first trial has ended: stop the sweep once (the signal reaches the sweep only, not a child).
      if (!sent && /\[t0\] .* 20 steps: w1/.test(stderr)) sent = child.kill('SIGINT');
    });
    const code = await new Promise((done) => child.on('close', done));
    expect(code).toBe(130);
    expect(stderr).toContain(`interrupted; continue with: npx saddlepoint sweep --resume`);
    const r = await cli(['sweep', '--resume', out, '--index', indexPath, '--json']);
    expect(r.stderr).toMatch(/saddlepoint sweep tiny-resume \(resumed\) · grid · 3 trials/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.counts).toEqual({ done: 3, stopped: 0, failed: 0, 'not-run': 0 });
    // t0 ran once (before the stop), and nothing ran twice.
    expect(r.stderr).not.toContain('[t0]');
    const index = openRunIndex(indexPath);
    try {
      expect(index.listRuns({ sweep: summary.id }).map((x) => [x.trial, x.status, x.steps])).toEqual([['t0', 'done', 20], ['t1', 'done', 20], ['t2', 'done', 20]]);
      expect(index.getSweep(summary.id)?.status).toBe('done');
    } finally {
      index.close();
    }
    expect((await cli(['sweep', '--resume', join(dir, 'nothing')])).stderr).toBe(`error: ${join(dir, 'nothing')}: no sweep-state.json here, so there is no sweep to resume (give the --out folder of an interrupted sweep)\n`);
  }, 300_000);
});
