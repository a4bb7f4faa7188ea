import { DataError } from '../errors.ts';
import { histogram, histogram2d, sharedRange, type Range } from './histogram.ts';
import { checkPoints, checkValues, nonNegativeOption, positiveIntegerOption, type Points } from './points.ts';

/**
 * KL(p‖q) = Σ pᵢ log(pᵢ / qᵢ) in nats, for two probability vectors of equal length. Terms with
 * pᵢ = 0 are 0 (the limit of x log x); a bin with pᵢ > 0 and qᵢ = 0 makes the result `Infinity`.
 * Inputs are used as given: normalise them first.
 *
 * @example
 * klDivergence([1, 0], [0.5, 0.5]); // Math.LN2
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  sameLength('klDivergence', p, q);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) sum += p[i] * Math.log(p[i] / q[i]);
  }
  // Rounding in the last bits can leave a tiny negative where the vectors are equal.
  return Math.max(0, sum);
}

/**
 * Jensen–Shannon divergence ½ KL(p‖m) + ½ KL(q‖m), m = (p + q) / 2, in nats: symmetric, finite,
 * and in [0, log 2] — log 2 exactly when p and q have disjoint supports.
 *
 * @example
 * jsDivergence([1, 0], [0, 1]); // Math.LN2
 */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  sameLength('jsDivergence', p, q);
  const m = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) m[i] = (p[i] + q[i]) / 2;
  return Math.min(Math.LN2, 0.5 * klDivergence(p, m) + 0.5 * klDivergence(q, m));
}

/**
 * Counts turned into probabilities with `alpha` pseudo-counts in every bin:
 * pᵢ = (cᵢ + α) / (Σc + Bα). With α > 0 no bin is empty, so KL between two such vectors is finite.
 *
 * @example
 * smoothedDistribution([3, 0], 0.5); // Float64Array [0.875, 0.125]
 */
export function smoothedDistribution(counts: ArrayLike<number>, alpha: number): Float64Array {
  nonNegativeOption('smoothedDistribution', 'alpha', alpha);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const denom = total + alpha * counts.length;
  if (!(denom > 0)) throw new DataError('all counts are 0 and alpha is 0: no distribution to form', 'smoothedDistribution');
  const p = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) p[i] = (counts[i] + alpha) / denom;
  return p;
}

/** Divergences between the real and the generated distribution, in nats. */
export interface Divergences {
  /** KL(real‖generated): large when the generator misses mass the data has (mode dropping). */
  kl: number;
  /** KL(generated‖real): large when the generator puts mass where the data has none (bad samples). */
  reverseKL: number;
  /** Jensen–Shannon divergence, in [0, log 2]. */
  js: number;
}

/** Options of {@link histogramDivergences}. */
export interface HistogramDivergenceOptions {
  /** Number of equal-width bins (default 50). */
  bins?: number;
  /** Interval the bins cover (default: the smallest one holding both sets, {@link sharedRange}). */
  range?: Range;
  /** Pseudo-count α added to every bin of both histograms (default 0.5, add-½ / Jeffreys). 0 gives the raw plug-in estimate, which may be `Infinity`. */
  smoothing?: number;
}

/**
 * KL, reverse KL and JS between two 1-D sample sets, estimated from histograms over shared bins.
 *
 * These are estimates of the divergences *of the binned distributions*, and they are biased both
 * ways, so compare values computed with the same bins, range, smoothing and sample sizes:
 * - **Binning biases down.** Binning is a deterministic map, so by the data-processing inequality
 *   the binned divergence is at most the continuous one; for smooth densities and bin width h the
 *   loss is about h²/24 · E_p[(d/dx log p/q)²].
 * - **Finite samples bias up.** Two samples of sizes n, m from the *same* distribution spread over
 *   B occupied bins give, on average, KL ≈ (B − 1)(1/n + 1/m)/2 and JS ≈ (B − 1)(1/n + 1/m)/8,
 *   not 0 (second-order expansion of the plug-in estimate). More bins need more samples.
 * - **Smoothing biases toward 0.** The α pseudo-counts pull both histograms toward uniform, so
 *   large divergences shrink (disjoint supports give JS a little under log 2), and in bins one set
 *   leaves empty the KL terms are set by α rather than by data. This is what keeps KL finite.
 *
 * @example
 * const d = histogramDivergences(realX, fakeX, { bins: 60 });
 * d.js; // nats, ≤ log 2
 */
export function histogramDivergences(real: ArrayLike<number>, fake: ArrayLike<number>, options: HistogramDivergenceOptions = {}): Divergences {
  const source = 'histogramDivergences';
  checkValues(source, 'real', real);
  checkValues(source, 'fake', fake);
  const bins = positiveIntegerOption(source, 'bins', options.bins ?? 50);
  const alpha = nonNegativeOption(source, 'smoothing', options.smoothing ?? 0.5);
  const range = options.range ?? sharedRange(real, fake);
  return fromCounts(histogram(real, bins, range), histogram(fake, bins, range), alpha);
}

/** Options of {@link gridDivergences}. */
export interface GridDivergenceOptions {
  /** Cells per axis, or `[alongX, alongY]` (default 20, so 400 cells). */
  bins?: number | readonly [number, number];
  /** Extent of the grid (default: per axis, the smallest interval holding both sets). */
  range?: { readonly x: Range; readonly y: Range };
  /** Pseudo-count α added to every cell of both histograms (default 0.5). */
  smoothing?: number;
}

/**
 * KL, reverse KL and JS between two 2-D sample sets, estimated on a shared grid of cells (as GAN
 * Lab shows them). The biases of {@link histogramDivergences} apply, with B the number of occupied
 * cells: a 20 × 20 grid needs thousands of samples per set before the upward bias is small.
 *
 * @example
 * gridDivergences(real, fake, { bins: 30 }).js;
 */
export function gridDivergences(real: Points, fake: Points, options: GridDivergenceOptions = {}): Divergences {
  const source = 'gridDivergences';
  checkPoints(source, 'real', real);
  checkPoints(source, 'fake', fake);
  if (real.dim !== 2 || fake.dim !== 2) throw new DataError(`needs 2-D points, got dims ${real.dim} and ${fake.dim}`, source);
  const b = options.bins ?? 20;
  const bins: [number, number] = typeof b === 'number' ? [b, b] : [b[0], b[1]];
  bins.forEach((v, i) => positiveIntegerOption(source, `bins[${i}]`, v));
  const alpha = nonNegativeOption(source, 'smoothing', options.smoothing ?? 0.5);
  const rangeX = options.range?.x ?? sharedRange(axis(real, 0), axis(fake, 0));
  const rangeY = options.range?.y ?? sharedRange(axis(real, 1), axis(fake, 1));
  return fromCounts(histogram2d(real, bins, rangeX, rangeY), histogram2d(fake, bins, rangeX, rangeY), alpha);
}

function fromCounts(realCounts: Float64Array, fakeCounts: Float64Array, alpha: number): Divergences {
  const p = smoothedDistribution(realCounts, alpha);
  const q = smoothedDistribution(fakeCounts, alpha);
  return { kl: klDivergence(p, q), reverseKL: klDivergence(q, p), js: jsDivergence(p, q) };
}

function axis(points: Points, k: number): Float64Array {
  const n = points.data.length / points.dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = points.data[i * points.dim + k];
  return out;
}

function sameLength(source: string, p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length) throw new DataError(`distributions have different lengths, ${p.length} and ${q.length}`, source);
}
