import { DataError } from '../errors.ts';
import { checkFeatures, checkSameCols, type FeatureMatrix } from './features.ts';
import { positiveIntegerOption } from './points.ts';

/**
 * Query rows handled together by default. Each chunk of query rows streams every reference row
 * past it once; distances live only for one reference row at a time, so memory is
 * O(chunkSize + n · k) and never the n × m distance matrix (10k × 10k would be 800 MB in float64).
 */
export const DEFAULT_CHUNK_SIZE = 256;

/** Options of the k-NN manifold metrics. */
export interface ManifoldOptions {
  /** Neighbourhood size: the radius of a point's ball is the distance to its k-th nearest neighbour. */
  k?: number;
  /** Query rows per chunk (default {@link DEFAULT_CHUNK_SIZE}); the result does not depend on it. */
  chunkSize?: number;
}

/** Improved precision and recall, with the k and sample counts they came from. */
export interface PrecisionRecall {
  /** Fraction of generated samples inside the real manifold. */
  readonly precision: number;
  /** Fraction of real samples inside the generated manifold. */
  readonly recall: number;
  readonly k: number;
  readonly nReal: number;
  readonly nFake: number;
}

/** Density and coverage, with the k and sample counts they came from. */
export interface DensityCoverage {
  /** Mean number of real balls a generated sample falls in, divided by k (1 in expectation when fake ~ real). */
  readonly density: number;
  /** Fraction of real samples whose ball holds at least one generated sample. */
  readonly coverage: number;
  readonly k: number;
  readonly nReal: number;
  readonly nFake: number;
}

/**
 * Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019, "Improved
 * precision and recall metric for assessing generative models"): each set's manifold is the union
 * of balls around its samples with radius the distance to the sample's k-th nearest neighbour in
 * its own set (k = 3 by default, as in the paper); precision is the fraction of fake samples in the
 * real manifold, recall the fraction of real samples in the fake one. A point on a ball's boundary
 * counts as inside. Euclidean distances in float64, k-NN in chunks (see {@link ManifoldOptions}):
 * n(n−1)/2 + m(m−1)/2 + n·m distance evaluations.
 *
 * @example
 * precisionRecall(realFeatures, fakeFeatures); // { precision: 0.71, recall: 0.52, k: 3, nReal, nFake }
 */
export function precisionRecall(real: FeatureMatrix, fake: FeatureMatrix, options: ManifoldOptions = {}): PrecisionRecall {
  const source = 'precisionRecall';
  const { k, chunkSize } = checkInputs(source, real, fake, options, 3);
  if (k >= fake.rows) throw new DataError(`k = ${k} needs more than k fake rows (recall uses the fakes' own k-NN balls), got ${fake.rows}`, source);
  const realRadii = kthNeighbourSquared(real, k, chunkSize);
  const fakeRadii = kthNeighbourSquared(fake, k, chunkSize);
  const fakeInReal = new Uint8Array(fake.rows);
  const realInFake = new Uint8Array(real.rows);
  crossPass(fake, real, chunkSize, (r, dist, c0, c1) => {
    const radius = realRadii[r];
    for (let f = c0; f < c1; f++) {
      const d2 = dist[f - c0];
      if (d2 <= radius) fakeInReal[f] = 1;
      if (d2 <= fakeRadii[f]) realInFake[r] = 1;
    }
  });
  return { precision: fraction(fakeInReal), recall: fraction(realInFake), k, nReal: real.rows, nFake: fake.rows };
}

/**
 * Density and coverage (Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable fidelity and diversity metrics
 * for generative models"), built on the real samples' k-NN balls only (k = 5 by default, as in the
 * paper), so outliers among the fakes cannot inflate them: density = Σ_fake #{real balls holding it}
 * / (k · nFake), coverage = fraction of real balls holding at least one fake. Boundary counts as
 * inside; k-NN in chunks (see {@link ManifoldOptions}): n(n−1)/2 + n·m distance evaluations.
 *
 * @example
 * densityCoverage(realFeatures, fakeFeatures); // { density: 0.95, coverage: 0.88, k: 5, nReal, nFake }
 */
export function densityCoverage(real: FeatureMatrix, fake: FeatureMatrix, options: ManifoldOptions = {}): DensityCoverage {
  const source = 'densityCoverage';
  const { k, chunkSize } = checkInputs(source, real, fake, options, 5);
  const realRadii = kthNeighbourSquared(real, k, chunkSize);
  const covered = new Uint8Array(real.rows);
  let inside = 0;
  crossPass(fake, real, chunkSize, (r, dist, c0, c1) => {
    const radius = realRadii[r];
    for (let f = c0; f < c1; f++) {
      if (dist[f - c0] <= radius) {
        inside += 1;
        covered[r] = 1;
      }
    }
  });
  return { density: inside / (k * fake.rows), coverage: fraction(covered), k, nReal: real.rows, nFake: fake.rows };
}

/**
 * Distance from each row of `x` to its k-th nearest other row (itself excluded; duplicates count),
 * computed in chunks of `chunkSize` query rows.
 *
 * @example
 * kthNeighbourDistances({ rows: 3, cols: 1, data: Float32Array.of(0, 1, 3) }, 1); // [1, 1, 2]
 */
export function kthNeighbourDistances(x: FeatureMatrix, k: number, chunkSize = DEFAULT_CHUNK_SIZE): Float64Array {
  const source = 'kthNeighbourDistances';
  checkFeatures(source, 'x', x, 2);
  positiveIntegerOption(source, 'k', k);
  positiveIntegerOption(source, 'chunkSize', chunkSize);
  if (k >= x.rows) throw new DataError(`k = ${k} needs more than k rows, got ${x.rows}`, source);
  return kthNeighbourSquared(x, k, chunkSize).map(Math.sqrt);
}

function checkInputs(
  source: string,
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: ManifoldOptions,
  defaultK: number,
): { k: number; chunkSize: number } {
  checkFeatures(source, 'real', real, 2);
  checkFeatures(source, 'fake', fake, 1);
  checkSameCols(source, real, fake);
  const k = positiveIntegerOption(source, 'k', options.k ?? defaultK);
  const chunkSize = positiveIntegerOption(source, 'chunkSize', options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  if (k >= real.rows) throw new DataError(`k = ${k} needs more than k real rows, got ${real.rows}`, source);
  return { k, chunkSize };
}

/**
 * Squared distance of each row to its k-th nearest other row of the same matrix. Each unordered
 * pair is evaluated once and offered to both rows' k-best lists ((a − b)² = (b − a)² exactly, so
 * this is the same as evaluating both orders), which halves the work of a self pass.
 */
function kthNeighbourSquared(x: FeatureMatrix, k: number, chunkSize: number): Float64Array {
  if (k >= x.rows) throw new DataError(`k = ${k} needs more than k rows, got ${x.rows}`, 'kthNeighbourDistances');
  const n = x.rows;
  const best = new Float64Array(n * k).fill(Number.POSITIVE_INFINITY);
  const dist = new Float64Array(chunkSize);
  for (let c0 = 0; c0 < n; c0 += chunkSize) {
    const c1 = Math.min(n, c0 + chunkSize);
    for (let r = c0 + 1; r < n; r++) {
      // Pairs (q, r) with q < r: inside the chunk only the queries before r.
      const qEnd = Math.min(c1, r);
      distancesToRow(x, c0, qEnd, x, r, dist);
      for (let q = c0; q < qEnd; q++) {
        const d2 = dist[q - c0];
        offer(best, q * k, k, d2);
        offer(best, r * k, k, d2);
      }
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = best[i * k + k - 1];
  return out;
}

/** Inserts d2 into the ascending k-best list at best[base … base + k) if it belongs there. */
function offer(best: Float64Array, base: number, k: number, d2: number): void {
  if (d2 >= best[base + k - 1]) return;
  let i = k - 1;
  while (i > 0 && best[base + i - 1] > d2) {
    best[base + i] = best[base + i - 1];
    i -= 1;
  }
  best[base + i] = d2;
}

/**
 * Calls `visit(r, dist, c0, c1)` for every reference row r, with dist[q − c0] the squared distance
 * from query q ∈ [c0, c1) to r, queries in chunks of `chunkSize`.
 */
function crossPass(
  queries: FeatureMatrix,
  reference: FeatureMatrix,
  chunkSize: number,
  visit: (r: number, dist: Float64Array, c0: number, c1: number) => void,
): void {
  const dist = new Float64Array(chunkSize);
  for (let c0 = 0; c0 < queries.rows; c0 += chunkSize) {
    const c1 = Math.min(queries.rows, c0 + chunkSize);
    for (let r = 0; r < reference.rows; r++) {
      distancesToRow(queries, c0, c1, reference, r, dist);
      visit(r, dist, c0, c1);
    }
  }
}

/**
 * dist[q − c0] = ‖queries[q] − reference[r]‖² for q ∈ [c0, c1). The query chunk stays in cache while
 * reference rows stream past it; four queries share each load of the reference row. Every distance
 * is summed over the columns in the same order whatever the chunk, so results are bit-identical
 * across chunk sizes.
 */
function distancesToRow(queries: FeatureMatrix, c0: number, c1: number, reference: FeatureMatrix, r: number, dist: Float64Array): void {
  const d = queries.cols;
  const Q = queries.data;
  const R = reference.data;
  const rb = r * d;
  let q = c0;
  for (; q + 3 < c1; q += 4) {
    const b0 = q * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < d; t++) {
      const v = R[rb + t];
      const e0 = Q[b0 + t] - v;
      const e1 = Q[b1 + t] - v;
      const e2 = Q[b2 + t] - v;
      const e3 = Q[b3 + t] - v;
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    dist[q - c0] = s0;
    dist[q - c0 + 1] = s1;
    dist[q - c0 + 2] = s2;
    dist[q - c0 + 3] = s3;
  }
  for (; q < c1; q++) {
    const b0 = q * d;
    let s0 = 0;
    for (let t = 0; t < d; t++) {
      const e0 = Q[b0 + t] - R[rb + t];
      s0 += e0 * e0;
    }
    dist[q - c0] = s0;
  }
}

function fraction(flags: Uint8Array): number {
  let n = 0;
  for (const f of flags) n += f;
  return n / flags.length;
}
