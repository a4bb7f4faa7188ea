import { describe, expect, it } from 'vitest';
import { sweepChart } from '../../src/report/index.ts';
import { chartParams, parseSweepSpec, planTrials, sweepMarkdown, sweepReport, type TrialOutcome } from '../../src/sweep/index.ts';
import { Rng } from '../../src/tensor/index.ts';
import { compileChecked, dataOf, marksOf } from '../report/spec-helpers.ts';

const spec = parseSweepSpec({
  name: 'rep',
  base: { preset: 'ring8', set: ['model.g.hidden=[8]'] },
  remedies: ['none', 'pac2'],
  space: [{ path: 'optim.d.lr', values: [1e-4, 1e-3] }],
  seeds: 2,
  metric: { name: 'w1' },
  budget: { steps: 30 },
});
const plan = planTrials(spec, new Rng(0));
const done = (id: string, value: number, steps = 30): TrialOutcome => ({ id, status: 'done', steps, value, metrics: { w1: value, modes: 8 }, wallSeconds: 2 });

describe('sweep report', () => {
  // Points: 0 = none/1e-4 (t0, t1), 1 = none/1e-3 (t2, t3), 2 = pac2/1e-4 (t4, t5), 3 = pac2/1e-3 (t6, t7).
  const outcomes: TrialOutcome[] = [
    done('t0', 0.4),
    done('t1', 0.2),
    done('t2', 0.1),
    done('t3', 0.5),
    done('t4', 0.25),
    done('t5', 0.15),
    { id: 't6', status: 'failed', steps: 12, value: null, metrics: {}, wallSeconds: null, error: 'diverged' },
  ];
  const report = sweepReport(plan, outcomes);

  it('ranks trials by the metric in its direction (min for W1), points by their mean over seeds', () => {
    expect(report.rows.map((r) => [r.id, r.status, r.rank])).toEqual([
      ['t0', 'done', 5],
      ['t1', 'done', 3],
      ['t2', 'done', 1],
      ['t3', 'done', 6],
      ['t4', 'done', 4],
      ['t5', 'done', 2],
      ['t6', 'failed', null],
      ['t7', 'not-run', null],
    ]);
    expect(report.best?.id).toBe('t2');
    expect(report.points.map((p) => [p.point, p.mean, p.n])).toEqual([
      [0, expect.closeTo(0.3, 12), 2],
      [1, expect.closeTo(0.3, 12), 2],
      [2, expect.closeTo(0.2, 12), 2],
      [3, null, 0],
    ]);
    // The best point (pac2 at 1e-4, mean 0.2) beats the best single trial's point (mean 0.3).
    expect(report.bestPoint?.params).toEqual({ remedy: 'pac2', 'optim.d.lr': 1e-4 });
    expect(report.bestConfig).toEqual(plan.trials[4].config);
    expect(report.bestConfig?.stabilizers).toEqual([{ name: 'packing', m: 2 }]);
    expect(report.counts).toEqual({ done: 6, stopped: 0, failed: 1, 'not-run': 1 });
  });

  it('ranks only trials at the highest rung reached (ASHA compares like with like)', () => {
    const r = sweepReport(plan, [done('t0', 0.01, 10), done('t1', 0.3, 30), done('t2', 0.2, 30)]);
    expect(r.topSteps).toBe(30);
    expect(r.rows.slice(0, 3).map((x) => x.rank)).toEqual([null, 2, 1]);
  });

  it('writes the trial table and the points best first', () => {
    const md = sweepMarkdown(report, { name: 'rep', strategy: 'grid', date: '2026-12-01T21:00:00.000Z' }).split('\n');
    expect(md).toContain('strategy grid · metric w1 (min) · 8 trials: 6 done, 0 stopped early, 1 failed, 1 not run · 2026-12-01 21:00 UTC');
    expect(md).toContain('| trial | remedy | optim.d.lr | seed | status | steps | w1 | modes | wall s |');
    expect(md).toContain('| t2 (best) | none | 0.001000 | 0 | done | 30 | 0.1000 | 8 | 2.0 |');
    expect(md).toContain('| t6 | pac2 | 0.001000 | 0 | failed | 12 | – | – | – |');
    const points = md.filter((l) => l.startsWith('- '));
    expect(points[0]).toBe('- remedy=pac2 optim.d.lr=0.0001: 0.2000 (n=2; t4, t5)');
    expect(points.at(-1)).toBe('- remedy=pac2 optim.d.lr=0.001: – (n=0; t6, t7)');
  });

  it('charts the metric against each parameter, best ringed, and compiles without warnings', () => {
    const params = chartParams(spec);
    expect(params).toEqual([
      { key: 'remedy', scale: 'nominal' },
      { key: 'optim.d.lr', scale: 'linear' },
    ]);
    const trials = report.rows.map((r) => ({ id: r.id, params: r.params, value: r.value, steps: r.steps, best: r.rank === 1 }));
    const chart = sweepChart(trials, params, { title: 'rep', metricTitle: 'W1' });
    expect(compileChecked(chart).warnings).toEqual([]);
    expect(marksOf(chart)).toEqual(['circle', 'point', 'circle', 'point']);
    const [dots, best] = dataOf(chart);
    expect(dots).toHaveLength(6);
    expect(best).toEqual([{ trial: 't2', x: 'none', value: 0.1, steps: 30, best: true }]);
    expect(chartParams({ space: [{ path: 'optim.d.lr', 'log-uniform': { min: 1e-4, max: 1e-3 } }], remedies: undefined })).toEqual([{ key: 'optim.d.lr', scale: 'log' }]);
    expect(chartParams({ space: [], remedies: undefined })).toEqual([{ key: 'seed', scale: 'nominal' }]);
  });
});
