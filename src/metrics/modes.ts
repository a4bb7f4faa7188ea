import type { Mode } from '../data/index.ts';
import { DataError } from '../errors.ts';
import { klDivergence } from './divergence.ts';
import { checkPoints, nonNegativeOption, positiveIntegerOption, type Points } from './points.ts';

/** Options of {@link modeMetrics}. */
export interface ModeMetricsOptions {
  /** A sample is high quality when within `k` standard deviations of its nearest centre (default 3). */
  k?: number;
  /** A mode is captured when at least this many high-quality samples are assigned to it (default 1). */
  minCount?: number;
}

/** Mode coverage and sample quality of generated samples against a distribution with known modes. */
export interface ModeMetrics {
  /** Modes captured: those with at least `minCount` high-quality samples. */
  modes: number;
  /** Number of modes of the true distribution. */
  modesTotal: number;
  /** Fraction of all samples that are high quality, in [0, 1]. */
  highQuality: number;
  /**
   * KL(q‖p) in nats between q, the high-quality samples' histogram over modes normalised to sum
   * to 1, and p, the true mode weights. `NaN` when no sample is high quality (q is undefined).
   */
  reverseKL: number;
  /** High-quality samples assigned to each mode, in the order of the dataset's modes. */
  perMode: number[];
}

/**
 * Mode metrics in the protocol of VEEGAN and PacGAN for mixtures of isotropic Gaussians
 * (`ring8`, `grid25`, `mixture1d`):
 *
 * 1. **Assignment.** Each sample goes to the mode whose centre is nearest in Euclidean distance
 *    (ties: the first such mode).
 * 2. **High quality.** A sample is high quality when its Euclidean distance to that centre is
 *    *strictly* less than `k · σ`, σ being that mode's std (default k = 3). Note that in d
 *    dimensions this is a χ²_d test, not the 1-D "99.7 % within 3σ": a perfect generator scores
 *    P(χ²_d < k²) — 1 − e^(−k²/2) ≈ 98.89 % in 2-D, 99.73 % in 1-D.
 * 3. **Captured.** A mode is captured when at least `minCount` high-quality samples are assigned
 *    to it. The default 1 is the rule of PacGAN's released evaluation code (a mode counts when its
 *    high-quality count is non-zero; github.com/fjxmlzn/PacGAN, `MetricLogger`). Raise it to make
 *    a handful of stray samples not count, e.g. to a fraction of the expected n · weight.
 * 4. **Reverse KL.** Only high-quality samples enter the histogram q over modes; q is normalised
 *    by their number, and KL(q‖p) = Σ qⱼ log(qⱼ / pⱼ) with p the true weights (renormalised to
 *    sum 1). Empty bins of q add 0 (0 log 0 = 0), so no smoothing is needed and the value is
 *    finite whenever all weights are positive; it is 0 for a perfect histogram and log M when
 *    every good sample sits on one of M equal-weight modes. Sampling noise alone gives about
 *    (M − 1) / (2 · #high-quality) on average.
 *
 * PacGAN's code measures distance in units of each mode's σ before taking the nearest mode; for
 * datasets whose modes share one σ (all of ours) that is the same assignment.
 *
 * @param samples - generated samples, `dim` equal to the length of every mode centre
 * @param modes - the true modes, e.g. `ring8().modes`
 * @example
 * const m = modeMetrics({ data: fake, dim: 2 }, ring8().modes!);
 * `${m.modes}/${m.modesTotal} modes, ${(100 * m.highQuality).toFixed(1)} % HQ, KL ${m.reverseKL.toFixed(3)}`;
 */
export function modeMetrics(samples: Points, modes: readonly Mode[], options: ModeMetricsOptions = {}): ModeMetrics {
  const source = 'modeMetrics';
  const n = checkPoints(source, 'samples', samples);
  const k = nonNegativeOption(source, 'k', options.k ?? 3, true);
  const minCount = positiveIntegerOption(source, 'minCount', options.minCount ?? 1);
  const weights = checkModes(source, modes, samples.dim);
  const { data, dim } = samples;
  const M = modes.length;
  const perMode = new Array<number>(M).fill(0);
  let good = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD2 = Infinity;
    for (let j = 0; j < M; j++) {
      const c = modes[j].center;
      let d2 = 0;
      for (let t = 0; t < dim; t++) d2 += (data[i * dim + t] - c[t]) ** 2;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = j;
      }
    }
    const radius = k * modes[best].std;
    if (bestD2 < radius * radius) {
      perMode[best] += 1;
      good += 1;
    }
  }
  const q = perMode.map((c) => (good > 0 ? c / good : 0));
  return {
    modes: perMode.filter((c) => c >= minCount).length,
    modesTotal: M,
    highQuality: good / n,
    reverseKL: good > 0 ? klDivergence(q, weights) : NaN,
    perMode,
  };
}

/** Validates the modes against the samples' dim and returns their weights normalised to sum 1. */
function checkModes(source: string, modes: readonly Mode[], dim: number): number[] {
  if (modes.length === 0) throw new DataError('needs at least one mode; does the dataset have known modes?', source);
  let total = 0;
  modes.forEach((m, j) => {
    if (m.center.length !== dim) {
      throw new DataError(`mode ${j} has a ${m.center.length}-D centre but the samples are ${dim}-D`, source);
    }
    if (!m.center.every(Number.isFinite)) throw new DataError(`mode ${j} has a non-finite centre`, source);
    if (!(Number.isFinite(m.std) && m.std > 0)) throw new DataError(`mode ${j} std must be a finite number > 0, got ${m.std}`, source);
    if (!(Number.isFinite(m.weight) && m.weight >= 0)) throw new DataError(`mode ${j} weight must be a finite number ≥ 0, got ${m.weight}`, source);
    total += m.weight;
  });
  if (!(total > 0)) throw new DataError('mode weights sum to 0', source);
  return modes.map((m) => m.weight / total);
}
