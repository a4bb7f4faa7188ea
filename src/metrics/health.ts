/**
 * Health signals of a GAN that need no labels and no known modes, so they work on toy points, images
 * and users' own data alike: how spread out generated samples are compared with real ones, how many
 * near-duplicates G emits (the birthday-paradox test), how much of the real data G covers, whether D
 * overfits its training reals (ADA's r_t), the singular values of a small Jacobian, and whether a
 * series (a loss) swings periodically. Pure: arrays in, numbers out.
 */
import { DataError } from '../errors.ts';
import type { Points } from './points.ts';

/**
 * Near-duplicates are pairs closer than this fraction of the real samples' median nearest-neighbour
 * distance. Why relative to real data: a threshold in data units means nothing across datasets (a
 * ring of std 0.02 against MNIST pixels); the real NN distance is the scale at which real samples
 * are distinct. Why 0.1: for points spread like a Poisson process in d dimensions,
 * P(NN < r) = 1 − exp(−c·r^d), and at the median c·r_m^d = ln 2, so P(NN < 0.1·r_m) ≈ 0.1^d·ln 2
 * (0.7 % of points in 2-D, less in more dimensions): real data has almost no such pairs, while a G
 * that maps many z to one output has many. Arora & Zhang (2017) count duplicates by eye among the
 * closest pairs of a batch; this is their test made automatic. `duplicatesReal` is reported with the
 * same threshold as the baseline to compare against.
 */
export const DUPLICATE_FRACTION = 0.1;

/** k of the k-NN balls in {@link coverage}: Naeem et al. (2020) recommend k = 5. */
export const COVERAGE_K = 5;

/** Diversity of generated samples against real ones, all on the same subsample sizes. */
export interface DiversityHealth {
  /** Mean pairwise L2 distance among generated samples ÷ among real samples (≈ 1 when G matches the data). */
  pairwiseRatio: number;
  /** Mean nearest-neighbour distance among generated ÷ among real samples (→ 0 when many z give one output). */
  nnRatio: number;
  /** Pairs of generated samples closer than {@link DUPLICATE_FRACTION} × the real median NN distance. */
  duplicates: number;
  /** The same count among the real samples: what the data itself gives. */
  duplicatesReal: number;
  /** The distance used for duplicates, in data units. */
  duplicateThreshold: number;
  /** Share of real samples whose k-NN ball (among reals) holds a generated sample (Naeem et al. 2020). */
  coverage: number;
  /**
   * Share of generated samples inside some real sample's k-NN ball (Kynkäänniemi et al. 2019,
   * "Improved Precision and Recall Metric"): high when what G makes lies on the data, however much
   * of the data it leaves out. High precision with low coverage is mode dropping.
   */
  precision: number;
}

function count(p: Points): number {
  return Math.floor(p.data.length / p.dim);
}

/** L2 distances between every row of `a` and every row of `b`, as an `na × nb` matrix. */
function distances(a: Points, b: Points): Float64Array {
  const na = count(a);
  const nb = count(b);
  const dim = a.dim;
  const out = new Float64Array(na * nb);
  const x = Float64Array.from(a.data.subarray(0, na * dim));
  const y = Float64Array.from(b.data.subarray(0, nb * dim));
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = x[i * dim + k] - y[j * dim + k];
        s += d * d;
      }
      out[i * nb + j] = Math.sqrt(s);
    }
  }
  return out;
}

/** The symmetric distance matrix of `p` with itself: each pair computed once. */
function selfDistances(p: Points): Float64Array {
  const n = count(p);
  const dim = p.dim;
  const x = Float64Array.from(p.data.subarray(0, n * dim));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = x[i * dim + k] - x[j * dim + k];
        s += d * d;
      }
      const v = Math.sqrt(s);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/**
 * Per-row distance to the k-th nearest other row of a square distance matrix (self excluded),
 * keeping only the k smallest in a sorted buffer: O(n²·k), not a sort per row.
 */
function kthNeighbour(d: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  const kk = Math.min(k, n - 1);
  const best = new Float64Array(kk);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      const v = d[i * n + j];
      if (j === i || v >= best[kk - 1]) continue;
      let pos = kk - 1;
      while (pos > 0 && best[pos - 1] > v) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = v;
    }
    out[i] = best[kk - 1];
  }
  return out;
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function medianOf(xs: ArrayLike<number>): number {
  const sorted = Array.from(xs).sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean of the strict upper triangle of a square matrix, and how many entries are below `threshold`. */
function upperTriangle(d: Float64Array, n: number, threshold: number): { mean: number; below: number } {
  let sum = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      sum += d[i * n + j];
      if (d[i * n + j] < threshold) below++;
    }
  }
  return { mean: sum / ((n * (n - 1)) / 2), below };
}

/**
 * Coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative Models"):
 * the share of real samples whose ball of radius "distance to its k-th nearest real neighbour"
 * contains at least one generated sample. Near 1 when G covers the data; about the covered share
 * when G drops regions (modes), however well it fits the ones it keeps.
 */
export function coverage(real: Points, fake: Points, k = COVERAGE_K): number {
  return manifoldOverlap(real, fake, k, selfDistances(real)).coverage;
}

/**
 * Coverage and precision from the real k-NN radii: one pass over the real × generated distances.
 * `realDistances` is the real set's own distance matrix, when the caller already has it.
 */
function manifoldOverlap(real: Points, fake: Points, k: number, realDistances: Float64Array): { coverage: number; precision: number } {
  const n = count(real);
  const m = count(fake);
  const radii = kthNeighbour(realDistances, n, k);
  const cross = distances(real, fake);
  const fakeInside = new Uint8Array(m);
  let covered = 0;
  for (let i = 0; i < n; i++) {
    let hit = false;
    for (let j = 0; j < m; j++) {
      if (cross[i * m + j] <= radii[i]) {
        hit = true;
        fakeInside[j] = 1;
      }
    }
    if (hit) covered++;
  }
  let inside = 0;
  for (const v of fakeInside) inside += v;
  return { coverage: covered / n, precision: inside / m };
}

/**
 * Diversity signals of generated against real samples, on the first `points` rows of each (the
 * evaluator's fixed-seed batches, so successive evaluations compare like with like). O(points²·dim).
 *
 * @example
 * const h = diversityHealth({ data: real, dim: 2 }, { data: fake, dim: 2 }, 500);
 * // h.nnRatio ≈ 1 for a good G; ≪ 1 when G collapses
 */
export function diversityHealth(real: Points, fake: Points, points = 500): DiversityHealth {
  if (real.dim !== fake.dim) throw new DataError(`real rows have ${real.dim} coordinates, generated rows ${fake.dim}`, 'diversityHealth');
  const n = Math.min(points, count(real), count(fake));
  if (n < COVERAGE_K + 1) throw new DataError(`needs at least ${COVERAGE_K + 1} samples per set, got ${n}`, 'diversityHealth');
  const r: Points = { data: real.data.subarray(0, n * real.dim), dim: real.dim };
  const f: Points = { data: fake.data.subarray(0, n * fake.dim), dim: fake.dim };
  const dr = selfDistances(r);
  const df = selfDistances(f);
  const nnReal = kthNeighbour(dr, n, 1);
  const nnFake = kthNeighbour(df, n, 1);
  const threshold = DUPLICATE_FRACTION * medianOf(nnReal);
  const realTri = upperTriangle(dr, n, threshold);
  const fakeTri = upperTriangle(df, n, threshold);
  return {
    pairwiseRatio: fakeTri.mean / realTri.mean,
    nnRatio: meanOf(nnFake) / meanOf(nnReal),
    duplicates: fakeTri.below,
    duplicatesReal: realTri.below,
    duplicateThreshold: threshold,
    ...manifoldOverlap(r, f, COVERAGE_K, dr),
  };
}

/** D overfitting signals of ADA (Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data"). */
export interface OverfittingHealth {
  /** r_t = E[sign(D(x))] over training reals (raw logits): 0 when D cannot tell, → 1 as D memorises; ADA targets 0.6. */
  rt: number;
  /** Mean D output on training reals minus on held-out reals (raw units): grows as D overfits its training set. */
  gap: number;
}

/**
 * r_t and the train/held-out output gap from D's raw outputs (logits) on training reals and on
 * held-out reals. r_t is only meaningful where 0 is D's decision boundary (logit losses).
 *
 * @example
 * overfittingHealth(Float32Array.of(2, 1, -1), Float32Array.of(0, 1)); // { rt: 1/3, gap: 2/3 − 1/2 }
 */
export function overfittingHealth(dTrain: ArrayLike<number>, dHeldOut: ArrayLike<number>): OverfittingHealth {
  if (dTrain.length === 0 || dHeldOut.length === 0) throw new DataError('needs D outputs on at least one training and one held-out real', 'overfittingHealth');
  let signs = 0;
  for (let i = 0; i < dTrain.length; i++) signs += Math.sign(dTrain[i]);
  return { rt: signs / dTrain.length, gap: meanOf(dTrain) - meanOf(dHeldOut) };
}

/**
 * Singular values of a `rows × cols` row-major matrix, largest first: square roots of the
 * eigenvalues of the smaller Gram matrix (AᵀA or AAᵀ) found by cyclic Jacobi rotations, which are
 * exact to rounding for the small matrices this is for (per-sample Jacobians of G, ≤ 16 columns).
 */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): number[] {
  if (a.length !== rows * cols) throw new DataError(`got ${a.length} entries for a ${rows}×${cols} matrix`, 'singularValues');
  const k = Math.min(rows, cols);
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      if (cols <= rows) for (let r = 0; r < rows; r++) s += a[r * cols + i] * a[r * cols + j];
      else for (let c = 0; c < cols; c++) s += a[i * cols + c] * a[j * cols + c];
      g[i * k + j] = s;
      g[j * k + i] = s;
    }
  }
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += g[p * k + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = g[p * k + q];
        if (apq === 0) continue;
        const theta = (g[q * k + q] - g[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const grp = g[r * k + p];
          const grq = g[r * k + q];
          g[r * k + p] = c * grp - s * grq;
          g[r * k + q] = s * grp + c * grq;
        }
        for (let r = 0; r < k; r++) {
          const gpr = g[p * k + r];
          const gqr = g[q * k + r];
          g[p * k + r] = c * gpr - s * gqr;
          g[q * k + r] = s * gpr + c * gqr;
        }
      }
    }
  }
  return Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, g[i * k + i]))).sort((x, y) => y - x);
}

/** The dominant period of a series, from its autocorrelation. */
export interface Periodicity {
  /** Lag (in series entries) of the highest autocorrelation peak after the first zero crossing; undefined when there is none. */
  period?: number;
  /** Autocorrelation at that lag, in [−1, 1]: near 1 for a clean oscillation, near 0 for noise. */
  strength: number;
}

/**
 * Periodicity of a series (e.g. D's loss per step): the series is detrended (its least-squares line
 * removed, so a drifting loss does not look periodic), its sample autocorrelation computed for lags
 * up to half its length, and the highest local maximum after the autocorrelation first drops below 0
 * is the period. A random walk or noise gives a small strength; a rotating game's swings give one
 * near 1 at the swing's period.
 *
 * @example
 * periodicity(Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 25))); // { period: 25, strength ≈ 0.87 }
 */
export function periodicity(series: readonly number[]): Periodicity {
  const n = series.length;
  if (n < 8) return { strength: 0 };
  const tMean = (n - 1) / 2;
  const yMean = meanOf(series);
  let sty = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    sty += (t - tMean) * (series[t] - yMean);
    stt += (t - tMean) ** 2;
  }
  const slope = sty / stt;
  const x = series.map((y, t) => y - yMean - slope * (t - tMean));
  let c0 = 0;
  for (const v of x) c0 += v * v;
  if (!(c0 > 0) || !Number.isFinite(c0)) return { strength: 0 };
  const maxLag = Math.floor(n / 2);
  const acf = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let t = 0; t + lag < n; t++) s += x[t] * x[t + lag];
    acf[lag] = s / c0;
  }
  let lag = 1;
  while (lag <= maxLag && acf[lag] > 0) lag++;
  let best: number | undefined;
  for (let l = lag + 1; l < maxLag; l++) {
    if (acf[l] > 0 && acf[l] >= acf[l - 1] && acf[l] >= acf[l + 1] && (best === undefined || acf[l] > acf[best])) best = l;
  }
  return best === undefined ? { strength: 0 } : { period: best, strength: acf[best] };
}
