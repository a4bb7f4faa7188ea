import { DataError } from '../errors.ts';
import { checkPoints, checkValues, positiveIntegerOption, type Points } from './points.ts';

/** A closed interval `[lo, hi]` with `lo < hi`. */
export type Range = readonly [lo: number, hi: number];

/**
 * The smallest interval holding every value of every set, so that two sets binned over it share
 * their bins. A set whose values are all equal gets a unit-wide interval around them, since a
 * zero-width bin has no meaning.
 *
 * @example
 * sharedRange([0, 1], [3]); // [0, 3]
 */
export function sharedRange(...sets: ArrayLike<number>[]): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const set of sets) {
    checkValues('sharedRange', 'values', set, 0);
    for (let i = 0; i < set.length; i++) {
      if (set[i] < lo) lo = set[i];
      if (set[i] > hi) hi = set[i];
    }
  }
  if (!(lo <= hi)) throw new DataError('cannot take the range of empty sample sets', 'sharedRange');
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * Counts of `values` in `bins` equal-width bins over `range`. Bins are half-open `[a, b)` except
 * the last, which also holds `hi`. Values outside the range are counted in the edge bins, not
 * dropped: a divergence between two histograms must compare all of both sets' mass.
 *
 * @example
 * histogram([0, 0.2, 0.9, 1], 2, [0, 1]); // Float64Array [2, 2]
 */
export function histogram(values: ArrayLike<number>, bins: number, range: Range): Float64Array {
  checkValues('histogram', 'values', values, 0);
  positiveIntegerOption('histogram', 'bins', bins);
  checkRange('histogram', range);
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) counts[binIndex(values[i], bins, range)] += 1;
  return counts;
}

/**
 * Counts of 2-D `points` on a `binsX × binsY` grid over `rangeX × rangeY`; cell `(i, j)` is at
 * index `i · binsY + j` (i along x). Edge handling is that of {@link histogram}.
 *
 * @example
 * histogram2d({ data: Float32Array.of(0, 0, 1, 1), dim: 2 }, [2, 2], [0, 1], [0, 1]); // [1, 0, 0, 1]
 */
export function histogram2d(points: Points, bins: readonly [number, number], rangeX: Range, rangeY: Range): Float64Array {
  checkPoints('histogram2d', 'points', points, 0);
  if (points.dim !== 2) throw new DataError(`needs 2-D points, got dim ${points.dim}`, 'histogram2d');
  checkRange('histogram2d', rangeX);
  checkRange('histogram2d', rangeY);
  const [bx, by] = bins;
  positiveIntegerOption('histogram2d', 'bins[0]', bx);
  positiveIntegerOption('histogram2d', 'bins[1]', by);
  const counts = new Float64Array(bx * by);
  const { data } = points;
  for (let i = 0; i + 1 < data.length; i += 2) {
    counts[binIndex(data[i], bx, rangeX) * by + binIndex(data[i + 1], by, rangeY)] += 1;
  }
  return counts;
}

function binIndex(x: number, bins: number, [lo, hi]: Range): number {
  const k = Math.floor(((x - lo) / (hi - lo)) * bins);
  return k < 0 ? 0 : k >= bins ? bins - 1 : k;
}

function checkRange(source: string, range: Range): void {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new DataError(`range must be two finite numbers with lo < hi, got [${lo}, ${hi}]`, source);
  }
}
