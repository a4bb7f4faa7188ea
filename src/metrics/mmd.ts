import { DataError } from '../errors.ts';
import { checkPoints, nonNegativeOption, positiveIntegerOption, type Points } from './points.ts';

/** Options of {@link mmd2}. */
export interface MmdOptions {
  /**
   * Length-scale h of the kernel k(x, y) = exp(−‖x − y‖² / (2h²)). Default: the median heuristic
   * {@link medianBandwidth} on these two sets. Pass a fixed value to compare MMDs across a run —
   * with the heuristic, the kernel itself changes as the generator does.
   */
  bandwidth?: number;
  /** Points the median heuristic looks at, at most (default 1000). */
  medianPoints?: number;
}

/**
 * Squared maximum mean discrepancy between two sample sets with a Gaussian (RBF) kernel, by the
 * unbiased U-statistic of Gretton et al. (2012):
 *
 *   MMD²ᵤ = Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (n(n−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (mn)
 *
 * Its expectation is the population MMD², 0 exactly when the distributions are equal; being
 * unbiased, it can come out slightly negative. O((m + n)² · dim) time: keep the sets to a few
 * thousand points.
 *
 * @example
 * mmd2(real, fake);                     // median-heuristic bandwidth
 * mmd2(real, fake, { bandwidth: 0.5 }); // fixed kernel, comparable across steps
 */
export function mmd2(x: Points, y: Points, options: MmdOptions = {}): number {
  const source = 'mmd2';
  const m = checkPoints(source, 'x', x, 2);
  const n = checkPoints(source, 'y', y, 2);
  if (x.dim !== y.dim) throw new DataError(`sets have different dims, ${x.dim} and ${y.dim}`, source);
  const h = options.bandwidth === undefined
    ? medianBandwidth(x, y, options.medianPoints)
    : nonNegativeOption(source, 'bandwidth', options.bandwidth, true);
  const gamma = 1 / (2 * h * h);
  const xx = kernelSum(x, x, gamma, true);
  const yy = kernelSum(y, y, gamma, true);
  const xy = kernelSum(x, y, gamma, false);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

/**
 * The median heuristic for an RBF length-scale: the median Euclidean distance between distinct
 * points of the pooled sets. Above `maxPoints` pooled points, an evenly strided subset is used
 * (deterministic, no rng needed). Falls back to 1 when all points coincide.
 *
 * @example
 * const h = medianBandwidth(real, fake); // then reuse h for every later mmd2 call
 */
export function medianBandwidth(x: Points, y: Points, maxPoints = 1000): number {
  const source = 'medianBandwidth';
  const m = checkPoints(source, 'x', x);
  const n = checkPoints(source, 'y', y);
  if (x.dim !== y.dim) throw new DataError(`sets have different dims, ${x.dim} and ${y.dim}`, source);
  positiveIntegerOption(source, 'maxPoints', maxPoints);
  const dim = x.dim;
  const total = m + n;
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  const rows: ArrayLike<number>[] = [];
  for (let r = 0; r < total; r += stride) {
    rows.push(r < m ? x.data.subarray(r * dim, (r + 1) * dim) : y.data.subarray((r - m) * dim, (r - m + 1) * dim));
  }
  const distances = new Float64Array((rows.length * (rows.length - 1)) / 2);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) distances[k++] = Math.sqrt(squaredDistance(rows[i], rows[j], dim));
  }
  if (distances.length === 0) return 1;
  distances.sort();
  const mid = distances.length >> 1;
  const median = distances.length % 2 === 1 ? distances[mid] : (distances[mid - 1] + distances[mid]) / 2;
  return median > 0 ? median : 1;
}

/** Σ k(aᵢ, bⱼ) over all pairs, or over i ≠ j when a and b are the same set (`distinct`). */
function kernelSum(a: Points, b: Points, gamma: number, distinct: boolean): number {
  const dim = a.dim;
  const A = a.data;
  const B = b.data;
  const na = A.length / dim;
  const nb = B.length / dim;
  let sum = 0;
  for (let i = 0; i < na; i++) {
    // Within one set k is symmetric: sum the upper triangle and double it.
    for (let j = distinct ? i + 1 : 0; j < nb; j++) {
      let d2 = 0;
      for (let t = 0; t < dim; t++) d2 += (A[i * dim + t] - B[j * dim + t]) ** 2;
      sum += Math.exp(-gamma * d2);
    }
  }
  return distinct ? 2 * sum : sum;
}

function squaredDistance(u: ArrayLike<number>, v: ArrayLike<number>, dim: number): number {
  let s = 0;
  for (let t = 0; t < dim; t++) s += (u[t] - v[t]) ** 2;
  return s;
}
