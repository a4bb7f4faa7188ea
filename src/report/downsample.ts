/**
 * Downsampling of per-step curves for plotting. The rule: a series longer than `maxPoints` is cut
 * into `maxPoints` buckets of consecutive records (sizes differ by at most one); each bucket
 * becomes one row holding the mean (drawn as the line) and the min and max (drawn as a pale band)
 * of its values, at the mean step of the bucket. A series of at most `maxPoints` values is kept
 * as it is (min = max = value). The band keeps spikes visible — a gradient explosion a plain
 * rolling mean would average away is exactly what a GAN run's plots must show — while the line
 * stays readable however long the run.
 */

/** Most rows a single curve gets in a spec: about one per horizontal pixel of a wide chart. */
export const DEFAULT_MAX_POINTS = 500;

/** One plotted row of a curve: the bucket's mean `value` and its `min`/`max`. */
export interface CurvePoint {
  step: number;
  value: number;
  min: number;
  max: number;
}

/** A curve row tagged with the series it belongs to (vega-lite's long format). */
export interface SeriesRow extends CurvePoint {
  series: string;
}

/** Options of {@link downsample}. */
export interface DownsampleOptions {
  /** At most this many rows come out (default {@link DEFAULT_MAX_POINTS}). */
  maxPoints?: number;
  /** Drop values ≤ 0 too (for log scales, which cannot place them). */
  positiveOnly?: boolean;
}

/**
 * Buckets one curve to at most `maxPoints` rows (see the module comment for the rule). Values
 * that are not finite (`NaN` written as `null` by a diverged step) are dropped first, so one bad
 * step does not erase its whole bucket.
 *
 * @example
 * downsample([{ step: 1, value: 2 }, { step: 2, value: 4 }], { maxPoints: 1 }); // [{ step: 1.5, value: 3, min: 2, max: 4 }]
 */
export function downsample(points: readonly { step: number; value: number }[], options: DownsampleOptions = {}): CurvePoint[] {
  const maxPoints = Math.max(1, Math.floor(options.maxPoints ?? DEFAULT_MAX_POINTS));
  const kept = points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.step) && (!options.positiveOnly || p.value > 0));
  if (kept.length <= maxPoints) return kept.map((p) => ({ step: p.step, value: round(p.value), min: round(p.value), max: round(p.value) }));
  const out: CurvePoint[] = [];
  for (let b = 0; b < maxPoints; b++) {
    const start = Math.floor((b * kept.length) / maxPoints);
    const end = Math.floor(((b + 1) * kept.length) / maxPoints);
    let sum = 0;
    let stepSum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const v = kept[i].value;
      sum += v;
      stepSum += kept[i].step;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const n = end - start;
    out.push({ step: Math.round((stepSum / n) * 10) / 10, value: round(sum / n), min: round(min), max: round(max) });
  }
  return out;
}

/**
 * Several fields of the same records as long-format rows, each field downsampled on its own.
 *
 * @example
 * seriesRows(stepRecords, [{ field: 'dLoss', label: 'D loss' }, { field: 'gLoss', label: 'G loss' }]);
 */
export function seriesRows<R extends { step: number }>(
  records: readonly R[],
  fields: readonly { field: keyof R & string; label: string }[],
  options: DownsampleOptions = {},
): SeriesRow[] {
  return fields.flatMap(({ field, label }) =>
    downsample(
      records.map((r) => ({ step: r.step, value: toNumber(r[field]) })),
      options,
    ).map((p) => ({ ...p, series: label })),
  );
}

/** A record field as a number: JSON turns NaN/Infinity into `null`, and optional fields may be missing. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** Five significant digits: plenty for a plot, and it keeps inlined specs small. */
export function round(value: number): number {
  return Number(value.toPrecision(5));
}
