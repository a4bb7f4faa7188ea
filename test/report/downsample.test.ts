import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_POINTS, downsample, seriesRows } from '../../src/report/index.ts';

const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, value: f(i) }));

describe('downsample', () => {
  it.each([
    [10, 500, 10],
    [500, 500, 500],
    [501, 500, 500],
    [100_000, 500, 500],
    [7, 3, 3],
    [100_000, 1, 1],
  ])('%i points with maxPoints %i give %i rows', (n, maxPoints, rows) => {
    expect(downsample(series(n, (i) => Math.sin(i)), { maxPoints })).toHaveLength(rows);
  });

  it('defaults to DEFAULT_MAX_POINTS', () => {
    expect(downsample(series(20_000, (i) => i))).toHaveLength(DEFAULT_MAX_POINTS);
  });

  it('keeps short series exactly', () => {
    expect(downsample([{ step: 1, value: 2 }, { step: 2, value: 4 }])).toEqual([
      { step: 1, value: 2, min: 2, max: 2 },
      { step: 2, value: 4, min: 4, max: 4 },
    ]);
  });

  it('a bucket holds the mean, min and max of its points at its mean step', () => {
    expect(downsample([{ step: 1, value: 2 }, { step: 2, value: 4 }, { step: 3, value: 9 }, { step: 4, value: 1 }], { maxPoints: 2 })).toEqual([
      { step: 1.5, value: 3, min: 2, max: 4 },
      { step: 3.5, value: 5, min: 1, max: 9 },
    ]);
  });

  it('a one-step spike survives as the max of its bucket while the mean stays near the baseline', () => {
    const rows = downsample(series(100_000, (i) => (i === 54_321 ? 1000 : 1)), { maxPoints: 500 });
    const spiked = rows.filter((r) => r.max === 1000);
    expect(spiked).toHaveLength(1);
    expect(spiked[0].value).toBeCloseTo(1 + 999 / 200, 3);
    expect(Math.min(...rows.map((r) => r.min))).toBe(1);
  });

  it('buckets cover every point once: the overall mean is preserved', () => {
    const values = series(12_345, (i) => (i * 7919) % 101);
    const rows = downsample(values, { maxPoints: 400 });
    const mean = values.reduce((a, p) => a + p.value, 0) / values.length;
    // Buckets differ in size by at most one, so an unweighted mean of bucket means is within a hair.
    expect(rows.reduce((a, r) => a + r.value, 0) / rows.length).toBeCloseTo(mean, 1);
    expect(rows[0].step).toBeGreaterThanOrEqual(1);
    expect(rows.at(-1)!.step).toBeLessThanOrEqual(12_345);
    expect(rows.every((r, i) => i === 0 || r.step > rows[i - 1].step)).toBe(true);
  });

  it('drops non-finite values (NaN from a diverged step), and non-positive ones for log scales', () => {
    const pts = [{ step: 1, value: 1 }, { step: 2, value: Number.NaN }, { step: 3, value: 0 }, { step: 4, value: Infinity }, { step: 5, value: 3 }];
    expect(downsample(pts).map((r) => r.step)).toEqual([1, 3, 5]);
    expect(downsample(pts, { positiveOnly: true }).map((r) => r.step)).toEqual([1, 5]);
  });

  it('seriesRows downsamples each field on its own and tags it; null fields count as missing', () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, a: i, b: i % 2 ? null : -i }));
    const rows = seriesRows(records, [{ field: 'a', label: 'A' }, { field: 'b', label: 'B' }], { maxPoints: 100 });
    expect(rows.filter((r) => r.series === 'A')).toHaveLength(100);
    expect(rows.filter((r) => r.series === 'B')).toHaveLength(100);
    expect(rows.filter((r) => r.series === 'B').every((r) => r.max <= 0)).toBe(true);
  });
});
