import { describe, expect, it } from 'vitest';
import {
  COLORS,
  coverageChart,
  DEFAULT_MAX_POINTS,
  divergenceChart,
  dOutputChart,
  dOutputTitle,
  gradNormChart,
  HISTOGRAM_BINS,
  histogramChart,
  histogramStrip,
  lossChart,
  MAX_SCATTER_POINTS,
  MAX_SURFACE_CELLS,
  overlayChart,
  pickSnapshots,
  scatterChart,
  scatterStrip,
} from '../../src/report/index.ts';
import type { SampleSnapshot } from '../../src/train/records.ts';
import { syntheticEvals, syntheticRun, syntheticSnapshot, syntheticSteps } from './fixtures.ts';
import { compileChecked, dataOf, encodingsOf, marksOf } from './spec-helpers.ts';

const steps = syntheticSteps(5000, 'logit');
const gpSteps = syntheticSteps(300, 'score');

describe('training curves', () => {
  it('loss chart: a band and a line per series, downsampled, compiling without warnings', () => {
    const spec = lossChart(steps, { lossUnit: 'nats' });
    const { vega, warnings } = compileChecked(spec);
    expect(warnings).toEqual([]);
    expect(marksOf(spec)).toEqual(['area', 'line']);
    const [rows] = dataOf(spec);
    expect(rows).toHaveLength(2 * DEFAULT_MAX_POINTS);
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(['D loss', 'G loss']));
    expect(JSON.stringify(vega)).toContain('loss (nats)');
    expect(encodingsOf(spec, 'x')[0]).toMatchObject({ field: 'step', title: 'step (generator updates)' });
  });

  it('loss chart shows the penalty dashed only when the loss has one', () => {
    const withPenalty = lossChart(gpSteps);
    const color = encodingsOf(withPenalty, 'color')[0];
    expect((color.scale as { domain: string[] }).domain).toEqual(['D loss', 'D penalty (part of D loss)', 'G loss']);
    const dash = encodingsOf(withPenalty, 'strokeDash')[0];
    expect((dash.scale as { range: number[][] }).range).toEqual([[1, 0], [6, 4], [1, 0]]);
    expect(compileChecked(withPenalty).warnings).toEqual([]);
    expect(encodingsOf(lossChart(syntheticSteps(300, 'logit')), 'strokeDash')).toEqual([]);
  });

  it('short runs are drawn point for point', () => {
    const [rows] = dataOf(lossChart(gpSteps));
    expect(rows.filter((r) => r.series === 'G loss')).toHaveLength(300);
  });

  it('gradient norms use a log scale', () => {
    const spec = gradNormChart(steps);
    expect(compileChecked(spec).warnings).toEqual([]);
    expect(encodingsOf(spec, 'y').map((y) => (y.scale as { type?: string }).type)).toEqual(['log', 'log']);
    expect(dataOf(spec)[0].every((r) => (r.min as number) > 0)).toBe(true);
  });

  it.each([
    ['logit', ['mean D(x)', '(probability "real")'], [0, 1]],
    ['score', ['mean critic score D(x)', '(unbounded)'], undefined],
    ['energy', ['mean reconstruction energy', '(L1; lower = more real)'], undefined],
  ] as const)('D output chart for %s outputs is titled %j', (output, title, domain) => {
    const spec = dOutputChart(syntheticSteps(200, output), output);
    expect(compileChecked(spec).warnings).toEqual([]);
    const y = encodingsOf(spec, 'y')[0];
    expect(y.title).toEqual(title);
    expect(dOutputTitle(output)).toEqual(title);
    expect((y.scale as { domain?: number[] }).domain).toEqual(domain);
    // The 0.5 reference line exists only where 0.5 means something.
    expect(marksOf(spec).includes('rule')).toBe(output === 'logit');
  });

  it('real and generated keep their two colours in every chart', () => {
    const snap1 = syntheticSnapshot(100, 100, 1, 'logit', 50);
    const snap2 = syntheticSnapshot(100, 100, 2, 'logit', 50);
    const ranges = [dOutputChart(gpSteps, 'score'), histogramChart(snap1), scatterChart(snap2)].map((s) => (encodingsOf(s, 'color')[0].scale as { range: string[] }).range);
    for (const r of ranges) expect(r).toEqual([COLORS.real, COLORS.generated]);
  });

  it('marks the step a run diverged at', () => {
    const spec = lossChart(gpSteps, { divergedAt: 301 });
    expect(marksOf(spec)).toEqual(['area', 'line', 'rule']);
    expect(dataOf(spec).at(-1)).toEqual([{ step: 301 }]);
  });
});

describe('evaluation charts', () => {
  const evals = syntheticEvals(1000, 100, 2);

  it('coverage: modes (with the mode count as its ceiling), high quality in %, reverse KL', () => {
    const spec = coverageChart(evals);
    expect(spec).not.toBeNull();
    const { vega, warnings } = compileChecked(spec!);
    expect(warnings).toEqual([]);
    expect('hconcat' in spec! && spec.hconcat).toHaveLength(3);
    const text = JSON.stringify(vega);
    expect(text).toContain('modes captured (of 8)');
    expect(text).toContain('high-quality samples (%)');
    const hq = dataOf(spec!)[2];
    expect(hq.at(-1)?.value).toBeCloseTo(98, 6);
  });

  it('coverage and divergences are null without the data, and keep only panels with data', () => {
    expect(coverageChart([])).toBeNull();
    expect(divergenceChart([])).toBeNull();
    const w1Only = evals.map(({ kind, step, samples, ms, w1 }) => ({ kind, step, samples, ms, w1 }));
    expect(coverageChart(w1Only)).toBeNull();
    const spec = divergenceChart(w1Only);
    expect(spec && 'hconcat' in spec && spec.hconcat).toHaveLength(1);
  });

  it('JS is drawn on [0, ln 2] with its maximum dashed', () => {
    const spec = divergenceChart(evals)!;
    expect(compileChecked(spec).warnings).toEqual([]);
    const js = encodingsOf(spec, 'y').find((y) => y.title === 'JS divergence (nats)');
    expect((js?.scale as { domain: number[] }).domain[1]).toBeCloseTo(Math.LN2, 4);
    expect(dataOf(spec).at(-1)?.[0].y).toBeCloseTo(Math.LN2, 4);
  });

  it('overlay: one colour per run, in the order given, legend below the plot', () => {
    const runs = ['a', 'b', 'c'].map((name, i) => ({ name, steps: syntheticSteps(3000 + i, 'logit', i), evals: syntheticEvals(3000, 500, 2) }));
    const spec = overlayChart(runs, 'gradNormD');
    expect(compileChecked(spec).warnings).toEqual([]);
    const color = encodingsOf(spec, 'color')[0];
    expect(color.sort).toEqual(['a', 'b', 'c']);
    expect((color.legend as { orient: string }).orient).toBe('bottom');
    const rows = dataOf(spec)[0];
    for (const name of ['a', 'b', 'c']) expect(rows.filter((r) => r.run === name)).toHaveLength(DEFAULT_MAX_POINTS);
    const modes = overlayChart(runs, 'modes');
    expect(dataOf(modes)[0]).toHaveLength(3 * 6);
    expect(encodingsOf(overlayChart(runs, 'highQuality'), 'y')[0].title).toBe('high-quality samples (%)');
  });
});

describe('sample plots', () => {
  const snaps1 = [100, 200, 300, 400, 500].map((s) => syntheticSnapshot(s, 500, 1, 'logit', 300));
  const snaps2 = [100, 200, 300, 400, 500].map((s) => syntheticSnapshot(s, 500, 2, 'logit', 300));

  it('pickSnapshots keeps the first and last and spreads the rest', () => {
    expect(pickSnapshots(snaps1, 3).map((s) => s.step)).toEqual([100, 300, 500]);
    expect(pickSnapshots([...snaps1].reverse(), 4).map((s) => s.step)).toEqual([100, 200, 400, 500]);
    expect(pickSnapshots(snaps1.slice(0, 2), 4).map((s) => s.step)).toEqual([100, 200]);
  });

  it(`histogram: ${HISTOGRAM_BINS} density bins per sample set on one range, and D's curve as a second axis`, () => {
    const spec = histogramChart(snaps1[4]);
    expect(compileChecked(spec).warnings).toEqual([]);
    expect(marksOf(spec)).toEqual(['rect', 'line']);
    const [bars, curve] = dataOf(spec);
    expect(bars).toHaveLength(2 * HISTOGRAM_BINS);
    for (const sample of ['real', 'generated']) {
      const rows = bars.filter((r) => r.sample === sample);
      // Densities integrate to 1 over the range (up to the few samples outside it).
      const mass = rows.reduce((acc, r) => acc + (r.density as number) * ((r.x1 as number) - (r.x0 as number)), 0);
      expect(mass).toBeGreaterThan(0.97);
      expect(mass).toBeLessThan(1.001);
    }
    // Surface values pass through unchanged (the evaluator stores probabilities for logit losses).
    const surface = snaps1[4].surface!;
    expect(curve.length).toBeGreaterThan(50);
    for (const r of curve) {
      const i = surface.x.findIndex((x) => Math.abs(x - (r.x0 as number)) < 1e-6);
      expect(r.dx).toBeCloseTo((surface.d as number[])[i], 4);
    }
  });

  it('histogram shows mode collapse: generated mass piles into far fewer bins than real', () => {
    const [bars] = dataOf(histogramChart(snaps1[4]));
    const occupied = (sample: string) => bars.filter((r) => r.sample === sample && (r.density as number) > 0.05).length;
    expect(occupied('generated')).toBeLessThan(occupied('real') / 2);
  });

  it('histogram strip: one panel per snapshot, one shared x range, axis titles once', () => {
    const spec = histogramStrip(pickSnapshots(snaps1));
    expect(compileChecked(spec).warnings).toEqual([]);
    expect('hconcat' in spec && spec.hconcat).toHaveLength(4);
    const domains = encodingsOf(spec, 'x').map((x) => JSON.stringify((x.scale as { domain: number[] }).domain));
    expect(new Set(domains).size).toBe(1);
    const titles = encodingsOf(spec, 'y').map((y) => y.title).filter((t) => t !== null);
    expect(titles).toEqual(['density (per unit x)', 'D(x) = P(real) (line)']);
  });

  it('scatter: surface heatmap under the points, thinned to the caps', () => {
    const big: SampleSnapshot = { ...syntheticSnapshot(500, 500, 2, 'logit', 3000) };
    const x = Array.from({ length: 101 }, (_, i) => -3 + (6 * i) / 100);
    big.surface = { x, y: x, d: x.map(() => x.map(() => 0)), output: 'logit' };
    const spec = scatterChart(big);
    expect(compileChecked(spec).warnings).toEqual([]);
    expect(marksOf(spec)).toEqual(['rect', 'circle']);
    const [cells, points] = dataOf(spec);
    expect(cells.length).toBeLessThanOrEqual(MAX_SURFACE_CELLS ** 2);
    expect(cells.length).toBeGreaterThan(40 ** 2);
    expect(points.filter((p) => p.sample === 'real')).toHaveLength(MAX_SCATTER_POINTS);
    expect(points.filter((p) => p.sample === 'generated')).toHaveLength(MAX_SCATTER_POINTS);
    expect(encodingsOf(spec, 'fill')[0]).toMatchObject({ field: 'd', scale: { domain: [0, 0.5, 1] } });
  });

  it('scatter without a surface draws the points alone', () => {
    const { surface: _, ...bare } = snaps2[0];
    const spec = scatterChart(bare);
    expect(compileChecked(spec).warnings).toEqual([]);
    expect(marksOf(spec)).toEqual(['circle']);
  });

  it.each(['score', 'energy'] as const)('scatter strip with %s surfaces: one window and one colour domain for all panels', (output) => {
    const snaps = [100, 300, 500].map((s) => syntheticSnapshot(s, 500, 2, output, 100));
    const spec = scatterStrip(snaps);
    expect(compileChecked(spec).warnings).toEqual([]);
    expect('hconcat' in spec && spec.hconcat).toHaveLength(3);
    const fills = encodingsOf(spec, 'fill').map((f) => JSON.stringify(f.scale));
    expect(new Set(fills).size).toBe(1);
    const range = (encodingsOf(spec, 'fill')[0].scale as { range: string[] }).range;
    // Low energy means "real" to BEGAN's D, so its colours run the other way.
    expect(range[0]).toBe(output === 'energy' ? COLORS.surfaceReal : COLORS.surfaceGenerated);
    const windows = encodingsOf(spec, 'x').map((x) => JSON.stringify((x.scale as { domain: number[] }).domain));
    expect(new Set(windows).size).toBe(1);
  });

  it('a synthetic 2-D run converges: generated points end on the ring', () => {
    const run = syntheticRun({ steps: 400, evalEvery: 100, dim: 2, samples: 200 });
    const last = run.snapshots.at(-1)!;
    const radius = last.fake.map(([a, b]) => Math.hypot(a, b));
    const onRing = radius.filter((r) => Math.abs(r - 2) < 0.2).length / radius.length;
    expect(onRing).toBeGreaterThan(0.9);
  });
});
