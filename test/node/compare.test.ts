import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateRuns, compareMarkdown, formatStat, meanSe, planCompare, type RunOutcome } from '../../src/node/compare.ts';
import { divergedText } from '../../src/node/train-child.ts';
import { compareChart } from '../../src/report/index.ts';
import { compileChecked, dataOf, marksOf } from '../report/spec-helpers.ts';
import { configErrorOf } from '../helpers/errors.ts';

/** A finished run with the given last evaluation (hand-made: no training). */
function run(remedy: string, seed: number, e: { modes: number; hq: number; kl: number | null; w1: number; s: number }): RunOutcome {
  return {
    remedy,
    seed,
    dir: `/out/${remedy}/seed-${seed}`,
    ok: true,
    exitCode: 0,
    signal: null,
    lastStderr: 'done',
    wallSeconds: e.s,
    processSeconds: e.s + 1,
    backend: 'cpu',
    eval: { step: 100, modes: e.modes, modesTotal: 8, highQuality: e.hq, reverseKL: e.kl, w1: e.w1 },
  };
}

function failed(remedy: string, seed: number, exitCode: number | null, lastStderr: string | null): RunOutcome {
  return { remedy, seed, dir: `/out/${remedy}/seed-${seed}`, ok: false, exitCode, signal: exitCode === null ? 'SIGKILL' : null, lastStderr, wallSeconds: null, processSeconds: 2, backend: null, eval: null };
}

const outcomes: RunOutcome[] = [
  run('none', 2, { modes: 8, hq: 0.7, kl: 0.5, w1: 0.25, s: 12 }),
  run('none', 0, { modes: 7, hq: 0.9, kl: 0.1, w1: 0.75, s: 10 }),
  run('none', 1, { modes: 8, hq: 0.8, kl: null, w1: 0.5, s: 11 }),
  run('pac2', 0, { modes: 6, hq: 0.5, kl: 0.25, w1: 1, s: 20 }),
  failed('pac2', 1, 1, 'Error: out of memory | heap'),
  failed('pac2', 2, null, null),
];

describe('compare aggregation', () => {
  it.each([
    [[7, 8, 8], 23 / 3, 1 / 3],
    [[2, 4], 3, 1],
    [[1, 2, 3, 4], 2.5, Math.sqrt(5 / 12 / 4) * 2],
  ])('mean and standard error of %j', (values, mean, se) => {
    const s = meanSe(values);
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.se).toBeCloseTo(se, 12);
    expect(s).toMatchObject({ n: values.length, values });
  });

  it('one value has no standard error, none has no mean', () => {
    expect(meanSe([5])).toEqual({ mean: 5, se: null, n: 1, values: [5] });
    expect(meanSe([])).toEqual({ mean: null, se: null, n: 0, values: [] });
  });

  it('aggregates each remedy over its finished seeds and lists the failed ones', () => {
    const [none, pac2] = aggregateRuns(['none', 'pac2'], outcomes);
    expect(none).toMatchObject({ remedy: 'none', runs: 3, finished: 3, failed: 0, modesTotal: 8, failures: [] });
    expect(none.metrics.modes).toEqual({ mean: 23 / 3, se: expect.closeTo(1 / 3, 12), n: 3, values: [7, 8, 8] });
    // HQ in percent; seeds in seed order.
    expect(none.metrics.highQuality.values).toEqual([90, 80, 70]);
    expect(none.metrics.highQuality.mean).toBeCloseTo(80, 12);
    expect(none.metrics.highQuality.se).toBeCloseTo(10 / Math.sqrt(3), 12);
    // Seed 1's reverse KL is undefined (no high-quality sample): left out, not counted as 0.
    expect(none.metrics.reverseKL).toEqual({ mean: 0.3, se: expect.closeTo(0.2, 12), n: 2, values: [0.1, 0.5] });
    expect(none.metrics.w1).toEqual({ mean: 0.5, se: expect.closeTo(0.25 / Math.sqrt(3), 12), n: 3, values: [0.75, 0.5, 0.25] });
    expect(none.metrics.wallSeconds).toEqual({ mean: 11, se: expect.closeTo(1 / Math.sqrt(3), 12), n: 3, values: [10, 11, 12] });
    expect(pac2).toMatchObject({ remedy: 'pac2', runs: 3, finished: 1, failed: 2 });
    expect(pac2.metrics.modes).toEqual({ mean: 6, se: null, n: 1, values: [6] });
    expect(pac2.failures).toEqual([
      { seed: 1, exitCode: 1, signal: null, lastStderr: 'Error: out of memory | heap' },
      { seed: 2, exitCode: null, signal: 'SIGKILL', lastStderr: null },
    ]);
    expect(pac2.summary).toMatch(/^PacGAN: D judges 2 samples/);
  });

  it.each([
    [{ mean: 7.6666, se: 0.3333, n: 3, values: [] }, 1, 3, '7.7 ± 0.3'],
    [{ mean: 6, se: null, n: 1, values: [] }, 1, 1, '6.0 ± –'],
    [{ mean: null, se: null, n: 0, values: [] }, 3, 0, '–'],
    [{ mean: 0.3, se: 0.2, n: 2, values: [] }, 3, 3, '0.300 ± 0.200 (n=2)'],
  ])('formats %j with %i digits (%i finished) as %s', (stat, digits, finished, text) => {
    expect(formatStat(stat, digits, finished)).toBe(text);
  });

  it('writes the Markdown table with the setup in its header and the failures below', () => {
    const rows = aggregateRuns(['none', 'pac2'], outcomes);
    const md = compareMarkdown({ data: 'ring8', loss: 'non-saturating', steps: 100, seeds: [0, 1, 2], date: '2026-11-23T15:04:59.000Z', backend: 'cpu', rows, interrupted: false });
    const lines = md.split('\n');
    expect(lines).toContain('data ring8 · loss non-saturating · 100 steps · 3 seeds (0, 1, 2) · 2026-11-23 15:04 UTC · backend cpu');
    expect(lines).toContain('| remedy | runs | modes (of 8) | HQ % | reverse KL | W1 | wall s |');
    expect(lines).toContain('| none | 3 | 7.7 ± 0.3 | 80.0 ± 5.8 | 0.300 ± 0.200 (n=2) | 0.500 ± 0.144 | 11.0 ± 0.6 |');
    expect(lines).toContain('| pac2 | 1 of 3 (2 failed) | 6.0 ± – | 50.0 ± – | 0.250 ± – | 1.000 ± – | 20.0 ± – |');
    expect(lines).toContain('| pac2 | 1 | 1 | Error: out of memory \\| heap |');
    expect(lines).toContain('| pac2 | 2 | signal SIGKILL | (nothing on stderr) |');
  });

  it('charts one panel per metric with error bars only where there is a standard error', () => {
    const rows = aggregateRuns(['none', 'pac2'], outcomes);
    const spec = compareChart(rows, { title: 'Remedies', modesTotal: 8 });
    expect(compileChecked(spec).warnings).toEqual([]);
    expect(marksOf(spec).filter((m) => m === 'bar')).toHaveLength(5);
    expect(marksOf(spec).filter((m) => m === 'errorbar')).toHaveLength(5);
    const [modeBars, modeErrors, modeDots] = dataOf(spec);
    expect(modeBars).toEqual([{ label: 'none', mean: 7.6667, lo: 7.3333, hi: 8 }, { label: 'pac2 (2 of 3 failed)', mean: 6 }]);
    expect(modeErrors).toEqual([modeBars[0]]);
    expect(modeDots).toHaveLength(4);
  });

  it('resolves each remedy over the base with the settings it recommends, and pins the BLAS threads it is given', () => {
    const out = mkdtempSync(join(tmpdir(), 'sp-compare-'));
    const [plain, wgan, mine] = planCompare({ preset: 'ring8', sets: ['steps=40'] }, ['none', 'wgan-gp', 'wgan-gp+k5'], [0], out, undefined, 1);
    expect(plain.config).toMatchObject({ dStepsPerG: 1, threads: 1, recommended: [] });
    expect(wgan.config).toMatchObject({ dStepsPerG: 5, loss: { name: 'wgan-gp', lambda: 0.1 }, optim: { d: { beta2: 0.9 } }, threads: 1 });
    expect(wgan.config.recommended.map((r) => r.field)).toEqual(['dStepsPerG', 'optim.g.beta2', 'optim.d.beta2', 'loss.lambda']);
    // A remedy counts as the user's choice: k5 after wgan-gp sets k itself, so it is not listed as recommended.
    expect(mine.config.recommended.map((r) => r.field)).toEqual(['optim.g.beta2', 'optim.d.beta2', 'loss.lambda']);
    // A base that sets the threads keeps them.
    expect(planCompare({ preset: 'ring8', sets: ['threads=2'] }, ['none'], [0], mkdtempSync(join(tmpdir(), 'sp-compare-')), undefined, 1)[0].config.threads).toBe(2);
  });

  it('validates every remedy and refuses an --out that already holds the grid, before anything runs', () => {
    const base = { preset: 'ring8', sets: ['steps=40', 'eval.every=0'] };
    const out = mkdtempSync(join(tmpdir(), 'sp-compare-'));
    const plan = planCompare(base, ['none', 'pac2'], [3, 4], out);
    expect(plan.map((p) => [p.remedy, p.seed, p.config.seed, p.dir])).toEqual([
      ['none', 3, 3, join(out, 'none', 'seed-3')],
      ['none', 4, 4, join(out, 'none', 'seed-4')],
      ['pac2', 3, 3, join(out, 'pac2', 'seed-3')],
      ['pac2', 4, 4, join(out, 'pac2', 'seed-4')],
    ]);
    // With evaluation off, the runs still evaluate once, at their last step.
    expect(plan[0].config.eval.every).toBe(40);
    expect(configErrorOf(() => planCompare(base, ['none', 'nope'], [0], out)).message).toMatch(/remedies: got "nope"; allowed: none, /);
    mkdirSync(join(out, 'pac2', 'seed-4'), { recursive: true });
    expect(configErrorOf(() => planCompare(base, ['none', 'pac2'], [3, 4], out)).message).toBe(
      `${out} already holds a run directory of this grid (${join(out, 'pac2', 'seed-4')}); choose another --out or remove them`,
    );
  });
});

const bin = join(import.meta.dirname, '..', '..', 'bin', 'saddlepoint.js');

describe('saddlepoint compare, end to end', () => {
  it('runs remedies × seeds as child processes, aggregates the finished runs and reports the failed ones', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sp-compare-')), 'cmp');
    // hinge+label-smoothing passes the schema but its child refuses to build (label smoothing needs BCE): a run that fails.
    const args = ['compare', '--remedies', 'none,spectral-norm,hinge+label-smoothing', '--seeds', '2', '--steps', '30', '--jobs', '2', '--out', out, '--json', '--backend', 'cpu'];
    const tiny = ['batchSize=32', 'model.g.hidden=[16]', 'model.d.hidden=[16]', 'eval.samples=200', 'checkpointEvery=1000'].flatMap((s) => ['--set', s]);
    const { OPENBLAS_NUM_THREADS: _own, ...env } = process.env;
    const child = spawn(process.execPath, [bin, ...args, ...tiny], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toMatch(/3 remedies × 2 seeds = 6 runs, 2 at a time \(threads=1 each\)/);
    expect(code).toBe(1);
    // One progress line per finished run.
    expect(stderr.match(/^\[\d\/6\] (none|spectral-norm) seed [01]: \d\/8 modes, [\d.]+ s$/gm)).toHaveLength(4);
    expect(stderr.match(/^\[\d\/6\] hinge\+label-smoothing seed [01]: FAILED \(exit 2\)/gm)).toHaveLength(2);

    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(summary);
    expect(summary).toMatchObject({ data: 'ring8', loss: 'non-saturating', steps: 30, seeds: [0, 1], backend: 'cpu', failed: 2, interrupted: false });
    expect(summary.rows.map((r: { remedy: string; finished: number; failed: number }) => [r.remedy, r.finished, r.failed])).toEqual([
      ['none', 2, 0],
      ['spectral-norm', 2, 0],
      ['hinge+label-smoothing', 0, 2],
    ]);
    for (const row of summary.rows.slice(0, 2)) {
      for (const metric of ['modes', 'highQuality', 'w1', 'wallSeconds']) expect(row.metrics[metric].n).toBe(2);
      expect(row.metrics.w1.se).toBeGreaterThanOrEqual(0);
    }
    expect(summary.rows[2].failures).toEqual([0, 1].map((seed) => ({ seed, exitCode: 2, signal: null, lastStderr: expect.stringMatching(/label-smoothing.*loss "hinge"/) })));
    for (const r of summary.runs.filter((x: RunOutcome) => x.ok)) {
      // The last evaluation is at the last step, in the run's own directory.
      expect(r.eval).toMatchObject({ step: 30, modesTotal: 8 });
      expect(JSON.parse(readFileSync(join(r.dir, 'config.json'), 'utf8'))).toMatchObject({ seed: r.seed, steps: 30 });
    }
    expect(readFileSync(join(out, 'hinge+label-smoothing', 'seed-1', 'train.log'), 'utf8')).toMatch(/^error: invalid config:/m);
    expect(existsSync(join(out, 'spectral-norm', 'seed-1', 'metrics.jsonl'))).toBe(true);
    expect(existsSync(join(out, 'none', 'seed-0.staging'))).toBe(false);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^data ring8 · loss non-saturating · 30 steps · 2 seeds \(0, 1\) · \d{4}-\d\d-\d\d \d\d:\d\d UTC · backend cpu$/m);
    expect(md).toMatch(/^\| hinge\+label-smoothing \| 0 of 2 \(2 failed\) \| – \| – \| – \| – \| – \|$/m);
    expect(stdout.startsWith(md)).toBe(true);
    expect([...readFileSync(join(out, 'results.png')).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});

/** Runs a command without blocking the worker; resolves with its exit code and output. */
function execute(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('a compare row is one train command', () => {
  it('the command results.md prints for a row trains the same records as the row (threads pinned in the config)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sp-compare-cmd-'));
    const out = join(root, 'cmp');
    // The ring8 preset's networks: their GEMMs are large enough to run multi-threaded when threads are not pinned.
    const args = ['compare', '--remedies', 'none,pac2', '--seeds', '1', '--steps', '30', '--jobs', '2', '--out', out, '--json', '--backend', 'native', '--set', 'eval.samples=200'];
    const compared = await execute(process.execPath, [bin, ...args], process.env);
    expect(compared.code, compared.stderr).toBe(0);
    const summary = JSON.parse(compared.stdout.trim().split('\n').pop()!);
    const command: string = summary.commands.pac2;
    expect(command).toBe("npx saddlepoint train --preset ring8 --set eval.samples=200 --steps 30 --backend native --remedy pac2 --set threads=1 --seed '<seed>'");
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain(`- \`pac2\`: \`${command}\``);
    const again = join(root, 'again');
    const shell = `${command.replace(/^npx saddlepoint/, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`).replace("'<seed>'", '0')} --out ${JSON.stringify(again)} --no-report --json`;
    const trained = await execute('bash', ['-c', shell], { ...process.env, OPENBLAS_NUM_THREADS: '2' });
    expect(trained.code, trained.stderr).toBe(0);
    const runDir = JSON.parse(trained.stdout.trim().split('\n').pop()!).runDir;
    const records = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), ms: undefined }));
    expect(records(runDir)).toEqual(records(join(out, 'pac2', 'seed-0')));
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({ threads: 1, stabilizers: [{ name: 'packing', m: 2 }] });
  }, 120_000);
});

describe('a diverged child, as compare and sweep report it', () => {
  it('names the step, the reason and the checkpoint kept, from the --json summary of exit 3', () => {
    const reason = "training diverged at step 37: D's dLoss = NaN; weights were not updated";
    expect(divergedText({ status: 'diverged', step: 37, reason, lastGoodCheckpoint: { location: 'x/checkpoints/30', step: 30 } })).toBe(`${reason}; last good checkpoint at step 30`);
    expect(divergedText({ status: 'diverged', step: 3, reason, lastGoodCheckpoint: null })).toBe(`${reason}; it diverged before its first checkpoint`);
    expect(divergedText({ status: 'done', steps: 40 })).toBeNull();
    expect(divergedText(null)).toBeNull();
  });
});
