import { DataError } from '../errors.ts';
import { checkFeatures, checkSameCols, type FeatureMatrix } from './features.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** Mean and covariance of a feature matrix, in float64, with the sample count they came from. */
export interface FeatureStats {
  /** Column means, length `dim`. */
  readonly mean: Float64Array;
  /** Unbiased covariance (divided by n − 1), `dim × dim` row-major. */
  readonly cov: Float64Array;
  readonly dim: number;
  /** Rows the statistics were computed from. */
  readonly n: number;
}

/**
 * Column means and the unbiased covariance Σ = (X − μ)ᵀ(X − μ) / (n − 1) of `features`, summed in
 * float64 after centring (so float32 features with a large mean lose no digits). O(n · dim²).
 *
 * @example
 * const stats = featureStats({ rows: 10_000, cols: 64, data }); // { mean, cov, dim: 64, n: 10000 }
 */
export function featureStats(features: FeatureMatrix): FeatureStats {
  checkFeatures('featureStats', 'features', features, 2);
  const { rows: n, cols: d, data } = features;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += data[row + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  // Rows are centred and added four at a time, so each covariance entry is loaded and stored once
  // per four rows: the d × d accumulator (4.9 MB at d = 784) is what bounds the speed.
  const c = new Float64Array(4 * d);
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rowsHere = Math.min(4, n - i0);
    c.fill(0);
    for (let r = 0; r < rowsHere; r++) {
      const row = (i0 + r) * d;
      for (let j = 0; j < d; j++) c[r * d + j] = data[row + j] - mean[j];
    }
    // Lower triangle only; mirrored below. Missing rows of a last partial block are zeros.
    for (let j = 0; j < d; j++) {
      const a0 = c[j];
      const a1 = c[d + j];
      const a2 = c[2 * d + j];
      const a3 = c[3 * d + j];
      const out = j * d;
      for (let k = 0; k <= j; k++) cov[out + k] += a0 * c[k] + a1 * c[d + k] + a2 * c[2 * d + k] + a3 * c[3 * d + k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= j; k++) {
      const v = cov[j * d + k] / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { mean, cov, dim: d, n };
}

/** Options of {@link frechetDistance}. */
export interface FrechetOptions {
  /**
   * ε of the fallback: when a covariance or the product under the root is numerically indefinite
   * (an eigenvalue below −1e-9 of the largest), the distance is recomputed with ε·I added to both
   * covariances, as pytorch-fid does (default 1e-6).
   */
  eps?: number;
}

/** A Fréchet distance and the diagonal offset that was needed to compute it (0 when none was). */
export interface FrechetResult {
  readonly value: number;
  /** ε added to both covariances' diagonals by the fallback, or 0. */
  readonly offset: number;
}

/** Eigenvalues this far below zero, relative to the largest, are round-off of a PSD matrix. */
const PSD_TOLERANCE = 1e-9;

/**
 * The Fréchet (2-Wasserstein) distance between the Gaussians N(μa, Σa) and N(μb, Σb) (Dowson &
 * Landau 1982), the distance behind FID (Heusel et al. 2017, "GANs trained by a two time-scale
 * update rule converge to a local Nash equilibrium"):
 *
 *   d² = ‖μa − μb‖² + tr Σa + tr Σb − 2 tr (Σa^½ Σb Σa^½)^½
 *
 * The root is taken the stable way, on symmetric matrices only, in float64: Σa = Vᵀ Λ V by a
 * symmetric eigendecomposition, then tr(Σa^½ Σb Σa^½)^½ = Σ √eig(Λ^½ (V Σb Vᵀ) Λ^½), because that
 * matrix is an orthogonal similarity of Σa^½ Σb Σa^½. No non-symmetric sqrtm, so no complex parts to
 * discard. Round-off negatives of a PSD spectrum are clamped to 0; a clearly indefinite one (below
 * −1e-9 of the largest eigenvalue) triggers the retry with ε·I added to both covariances, reported
 * in `offset`; if that still fails, a DataError. The value is clamped at 0 (d² ≥ 0 exactly).
 * Covariances are `dim × dim` row-major with `dim = muA.length`. O(dim³): one eigendecomposition
 * with vectors, one without and two matrix products (see the README for timings at dim 784).
 *
 * @example
 * const a = featureStats(real), b = featureStats(fake);
 * frechetDistance(a.mean, a.cov, b.mean, b.cov).value;
 */
export function frechetDistance(
  muA: ArrayLike<number>,
  covA: ArrayLike<number>,
  muB: ArrayLike<number>,
  covB: ArrayLike<number>,
  options: FrechetOptions = {},
): FrechetResult {
  const source = 'frechetDistance';
  const d = muA.length;
  if (d < 1) throw new DataError('muA is empty', source);
  if (muB.length !== d) throw new DataError(`muA has ${d} entries, muB has ${muB.length}`, source);
  for (const [field, cov] of [['covA', covA], ['covB', covB]] as const) {
    if (cov.length !== d * d) throw new DataError(`${field} must be ${d}×${d} = ${d * d} entries for dim ${d}, got ${cov.length}`, source);
  }
  const eps = options.eps ?? 1e-6;
  if (!Number.isFinite(eps) || eps <= 0) throw new DataError(`eps must be a finite number > 0, got ${eps}`, source);
  let mean2 = 0;
  for (let i = 0; i < d; i++) mean2 += (muA[i] - muB[i]) ** 2;
  const A = symmetrized(covA, d, source, 'covA');
  const B = symmetrized(covB, d, source, 'covB');
  const first = traceTerms(A, B, d, 0);
  if (first.ok) return { value: Math.max(0, mean2 + first.value), offset: 0 };
  const second = traceTerms(A, B, d, eps);
  if (second.ok) return { value: Math.max(0, mean2 + second.value), offset: eps };
  throw new DataError(
    `${second.what} is not positive semidefinite even with ${eps}·I added (smallest eigenvalue ${second.smallest.toExponential(3)}, largest ${second.largest.toExponential(3)}); pass covariances of real features`,
    source,
  );
}

type TraceResult =
  | { ok: true; value: number }
  | { ok: false; what: string; smallest: number; largest: number };

/** tr A + tr B − 2 tr(A^½ B A^½)^½ with `offset`·I added to A and B, or why it is not defined. */
function traceTerms(A: Float64Array, B: Float64Array, d: number, offset: number): TraceResult {
  const a = withOffset(A, d, offset);
  const b = withOffset(B, d, offset);
  const ea = symmetricEigen(a, d, { vectors: true });
  const badA = indefinite(ea.values);
  if (badA) return { ok: false, what: 'covA', ...badA };
  // covB needs no decomposition of its own: when covA is nonsingular, M below is congruent to covB
  // and so has its inertia (Sylvester), and an indefinite covB shows up as an indefinite M.
  const V = ea.vectors as Float64Array;
  const root = Float64Array.from(ea.values, (l) => Math.sqrt(Math.max(0, l)));
  // C = V B Vᵀ, then M = Λ^½ C Λ^½: same eigenvalues as A^½ B A^½.
  const VB = multiply(V, b, d, false);
  const M = multiply(VB, V, d, true);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) M[i * d + j] *= root[i] * root[j];
  }
  const em = symmetricEigen(M, d);
  const badM = indefinite(em.values);
  if (badM) return { ok: false, what: 'covA^½ covB covA^½', ...badM };
  let traceRoot = 0;
  for (const l of em.values) traceRoot += Math.sqrt(Math.max(0, l));
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a[i * d + i] + b[i * d + i];
  const value = trace - 2 * traceRoot;
  if (!Number.isFinite(value)) return { ok: false, what: 'the trace term', smallest: Number.NaN, largest: Number.NaN };
  return { ok: true, value };
}

function indefinite(values: Float64Array): { smallest: number; largest: number } | undefined {
  const smallest = values[0];
  const largest = values[values.length - 1];
  const scale = Math.max(Math.abs(smallest), Math.abs(largest));
  return smallest < -PSD_TOLERANCE * scale ? { smallest, largest } : undefined;
}

/** P·Q (or P·Qᵀ with `transposeQ`) for n × n row-major float64 matrices. */
function multiply(P: Float64Array, Q: Float64Array, n: number, transposeQ: boolean): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const pi = i * n;
    const oi = i * n;
    if (transposeQ) {
      for (let j = 0; j < n; j++) {
        const qj = j * n;
        let s = 0;
        for (let k = 0; k < n; k++) s += P[pi + k] * Q[qj + k];
        out[oi + j] = s;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const p = P[pi + k];
        if (p === 0) continue;
        const qk = k * n;
        for (let j = 0; j < n; j++) out[oi + j] += p * Q[qk + j];
      }
    }
  }
  return out;
}

function symmetrized(cov: ArrayLike<number>, d: number, source: string, field: string): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const x = cov[i * d + j];
      const y = cov[j * d + i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new DataError(`${field}[${i}, ${j}] is not finite`, source);
      if (Math.abs(x - y) > 1e-6 * Math.max(1, Math.abs(x), Math.abs(y))) {
        throw new DataError(`${field} is not symmetric: [${i}, ${j}] = ${x}, [${j}, ${i}] = ${y}`, source);
      }
      const m = (x + y) / 2;
      out[i * d + j] = m;
      out[j * d + i] = m;
    }
  }
  return out;
}

function withOffset(m: Float64Array, d: number, offset: number): Float64Array {
  if (offset === 0) return m;
  const out = m.slice();
  for (let i = 0; i < d; i++) out[i * d + i] += offset;
  return out;
}

/** FID-style distance between two feature sets, with what it was computed from. */
export interface FidResult extends FrechetResult {
  /** Real (reference) rows and generated rows the statistics came from: FID is biased in n. */
  readonly nReal: number;
  readonly nFake: number;
  /** Feature width. */
  readonly dim: number;
}

/**
 * The Fréchet distance between the Gaussian fits ({@link featureStats}) of two feature sets: FID
 * when the features are a feature network's (Heusel et al. 2017), the "MNIST FID" with the MNIST
 * classifier's. FID falls as n grows (its estimator is biased upwards), so compare only values with
 * the same `nReal`/`nFake`, which the result carries.
 *
 * @example
 * fid(realFeatures, fakeFeatures); // { value, offset: 0, nReal: 10000, nFake: 10000, dim: 64 }
 */
export function fid(real: FeatureMatrix, fake: FeatureMatrix, options: FrechetOptions = {}): FidResult {
  checkFeatures('fid', 'real', real, 2);
  checkFeatures('fid', 'fake', fake, 2);
  checkSameCols('fid', real, fake);
  const a = featureStats(real);
  const b = featureStats(fake);
  return { ...frechetDistance(a.mean, a.cov, b.mean, b.cov, options), nReal: real.rows, nFake: fake.rows, dim: real.cols };
}
