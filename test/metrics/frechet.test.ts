import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { featureStats, fid, frechetDistance } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** A random orthogonal d×d matrix as a product of d Householder reflections, row-major. */
function randomOrthogonal(d: number, rng: Rng): Float64Array {
  let q = identity(d);
  for (let r = 0; r < d; r++) {
    const u = Float64Array.from({ length: d }, () => rng.normal());
    const u2 = u.reduce((s, x) => s + x * x, 0);
    const h = identity(d).map((v, idx) => v - (2 * u[Math.floor(idx / d)] * u[idx % d]) / u2);
    q = matmul(q, h, d);
  }
  return q;
}

function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

function matmul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const o = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) o[i * d + j] += a[i * d + k] * b[k * d + j];
  return o;
}

function transpose(a: Float64Array, d: number): Float64Array {
  const o = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) o[j * d + i] = a[i * d + j];
  return o;
}

/** Q diag(λ) Qᵀ. */
function withSpectrum(q: Float64Array, lambda: number[], d: number): Float64Array {
  const diag = new Float64Array(d * d);
  lambda.forEach((l, i) => (diag[i * d + i] = l));
  return matmul(matmul(q, diag, d), transpose(q, d), d);
}

/** A random SPD matrix G Gᵀ / d + 0.1 I. */
function randomSpd(d: number, rng: Rng): Float64Array {
  const g = Float64Array.from({ length: d * d }, () => rng.normal());
  const m = matmul(g, transpose(g, d), d).map((v) => v / d);
  for (let i = 0; i < d; i++) m[i * d + i] += 0.1;
  return m;
}

function inverse(m: Float64Array, d: number): Float64Array {
  const a = m.slice();
  const inv = identity(d);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) p = r;
    for (let j = 0; j < d; j++) {
      [a[c * d + j], a[p * d + j]] = [a[p * d + j], a[c * d + j]];
      [inv[c * d + j], inv[p * d + j]] = [inv[p * d + j], inv[c * d + j]];
    }
    const pivot = a[c * d + c];
    for (let j = 0; j < d; j++) {
      a[c * d + j] /= pivot;
      inv[c * d + j] /= pivot;
    }
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r * d + c];
      for (let j = 0; j < d; j++) {
        a[r * d + j] -= f * a[c * d + j];
        inv[r * d + j] -= f * inv[c * d + j];
      }
    }
  }
  return inv;
}

/**
 * An independent reference: tr √(AB) by the Denman–Beavers iteration on the non-symmetric product
 * AB (whose eigenvalues are those of A^½ B A^½), with no eigendecomposition anywhere.
 */
function referenceFrechet(muA: Float64Array, A: Float64Array, muB: Float64Array, B: Float64Array, d: number): number {
  let y = matmul(A, B, d);
  let z = identity(d);
  for (let k = 0; k < 60; k++) {
    const yi = inverse(y, d);
    const zi = inverse(z, d);
    y = y.map((v, i) => (v + zi[i]) / 2);
    z = z.map((v, i) => (v + yi[i]) / 2);
  }
  let value = 0;
  for (let i = 0; i < d; i++) value += (muA[i] - muB[i]) ** 2 + A[i * d + i] + B[i * d + i] - 2 * y[i * d + i];
  return value;
}

function diag(values: number[]): Float64Array {
  const d = values.length;
  const m = new Float64Array(d * d);
  values.forEach((v, i) => (m[i * d + i] = v));
  return m;
}

describe('frechetDistance', () => {
  it('of diagonal Gaussians is ‖μa − μb‖² + Σ(√aᵢ − √bᵢ)²', () => {
    const a = [4, 1, 0.25, 9, 2];
    const b = [1, 1, 1, 0.5, 3];
    const muA = Float64Array.of(0, 1, 2, 3, 4);
    const muB = Float64Array.of(1, 1, 0, 3, 2);
    const expected = 1 + 0 + 4 + 0 + 4 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
    const result = frechetDistance(muA, diag(a), muB, diag(b));
    expect(result.value).toBeCloseTo(expected, 12);
    expect(result.offset).toBe(0);
  });

  it('of commuting covariances (a shared eigenbasis) is Σ(√aᵢ − √bᵢ)², for any basis', () => {
    const d = 12;
    const rng = new Rng(4);
    const q = randomOrthogonal(d, rng);
    const a = Array.from({ length: d }, () => 0.1 + rng.uniform() * 3);
    const b = Array.from({ length: d }, () => 0.1 + rng.uniform() * 3);
    const mu = new Float64Array(d);
    const expected = a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i])) ** 2, 0);
    expect(frechetDistance(mu, withSpectrum(q, a, d), mu, withSpectrum(q, b, d)).value).toBeCloseTo(expected, 11);
  });

  it('of a Gaussian with itself is 0 within 1e-9', () => {
    const d = 30;
    const cov = randomSpd(d, new Rng(8));
    const mu = Float64Array.from({ length: d }, (_, i) => i / 3);
    const { value } = frechetDistance(mu, cov, mu, cov);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(1e-9);
  });

  it('matches the 2×2 closed form tr √(AB) = √(tr AB + 2√(det A det B))', () => {
    const A = Float64Array.of(2, 0.7, 0.7, 1);
    const B = Float64Array.of(0.5, -0.3, -0.3, 3);
    const tr = (m: Float64Array) => m[0] + m[3];
    const det = (m: Float64Array) => m[0] * m[3] - m[1] * m[2];
    const AB = matmul(A, B, 2);
    const traceRoot = Math.sqrt(tr(AB) + 2 * Math.sqrt(det(A) * det(B)));
    const muA = Float64Array.of(1, -1);
    const muB = Float64Array.of(0.5, 2);
    const expected = 0.25 + 9 + tr(A) + tr(B) - 2 * traceRoot;
    expect(frechetDistance(muA, A, muB, B).value).toBeCloseTo(expected, 13);
  });

  it.each([3, 8, 16])('matches a Denman–Beavers sqrtm reference on random dense %i-d covariances', (d) => {
    const rng = new Rng(d);
    const A = randomSpd(d, rng);
    const B = randomSpd(d, rng);
    const muA = Float64Array.from({ length: d }, () => rng.normal());
    const muB = Float64Array.from({ length: d }, () => rng.normal());
    expect(frechetDistance(muA, A, muB, B).value).toBeCloseTo(referenceFrechet(muA, A, muB, B, d), 9);
  });

  it('takes singular covariances (rank 2 of 6) without an offset', () => {
    const d = 6;
    const q = randomOrthogonal(d, new Rng(2));
    const a = [0, 0, 0, 0, 2, 5];
    const b = [0, 0, 0, 0, 1, 0.5];
    const mu = new Float64Array(d);
    const result = frechetDistance(mu, withSpectrum(q, a, d), mu, withSpectrum(q, b, d));
    expect(result.offset).toBe(0);
    expect(result.value).toBeCloseTo((Math.sqrt(2) - 1) ** 2 + (Math.sqrt(5) - Math.sqrt(0.5)) ** 2, 9);
  });

  it('retries with ε·I when a covariance is slightly indefinite, and reports the offset', () => {
    const d = 5;
    const q = randomOrthogonal(d, new Rng(3));
    const a = [-1e-7, 0.5, 1, 2, 3];
    const b = [1, 1, 1, 1, 1];
    const mu = new Float64Array(d);
    const result = frechetDistance(mu, withSpectrum(q, a, d), mu, withSpectrum(q, b, d));
    expect(result.offset).toBe(1e-6);
    // With ε added: Σ(√(aᵢ + ε) − √(bᵢ + ε))².
    const eps = 1e-6;
    const expected = a.reduce((s, ai, i) => s + (Math.sqrt(ai + eps) - Math.sqrt(b[i] + eps)) ** 2, 0);
    expect(result.value).toBeCloseTo(expected, 10);
  });

  it('refuses a clearly indefinite covariance, even after the retry', () => {
    const mu = new Float64Array(2);
    const call = () => frechetDistance(mu, diag([1, -0.5]), mu, diag([1, 1]));
    expect(call).toThrow(DataError);
    expect(call).toThrow('frechetDistance: covA is not positive semidefinite even with 0.000001·I added (smallest eigenvalue -5.000e-1, largest 1.000e+0)');
  });

  it('refuses mismatched sizes and asymmetric covariances, naming them', () => {
    expect(() => frechetDistance([0, 0], diag([1, 1]), [0], diag([1]))).toThrow('frechetDistance: muA has 2 entries, muB has 1');
    expect(() => frechetDistance([0, 0], diag([1, 1]), [0, 0], diag([1]))).toThrow('frechetDistance: covB must be 2×2 = 4 entries for dim 2, got 1');
    expect(() => frechetDistance([0, 0], [1, 0.5, 0, 1], [0, 0], diag([1, 1]))).toThrow('frechetDistance: covA is not symmetric: [1, 0] = 0, [0, 1] = 0.5');
  });
});

describe('featureStats', () => {
  it('gives the column means and the unbiased covariance of a hand-checkable matrix', () => {
    // Columns x = 1, 2, 3, 6 and y = 2, 2, 4, 4: means 3 and 3.
    const stats = featureStats({ rows: 4, cols: 2, data: Float32Array.of(1, 2, 2, 2, 3, 4, 6, 4) });
    expect(Array.from(stats.mean)).toEqual([3, 3]);
    // Σ(x−3)² = 4+1+0+9 = 14; Σ(y−3)² = 4; Σ(x−3)(y−3) = 2+1+0+3 = 6; divided by n − 1 = 3.
    expect(stats.cov[0]).toBeCloseTo(14 / 3, 14);
    expect(stats.cov[3]).toBeCloseTo(4 / 3, 14);
    expect(stats.cov[1]).toBeCloseTo(2, 14);
    expect(stats.cov[2]).toBeCloseTo(2, 14);
    expect([stats.n, stats.dim]).toEqual([4, 2]);
  });

  it.each([2, 7, 9])('matches a two-pass textbook covariance for %i rows (blocks of four plus a remainder)', (n) => {
    const d = 5;
    const data = new Rng(n).normalArray(n * d, 1);
    const stats = featureStats({ rows: n, cols: d, data });
    for (let j = 0; j < d; j++) {
      let mj = 0;
      for (let i = 0; i < n; i++) mj += data[i * d + j] / n;
      expect(stats.mean[j]).toBeCloseTo(mj, 12);
      for (let k = 0; k < d; k++) {
        let mk = 0;
        for (let i = 0; i < n; i++) mk += data[i * d + k] / n;
        let c = 0;
        for (let i = 0; i < n; i++) c += ((data[i * d + j] - mj) * (data[i * d + k] - mk)) / (n - 1);
        expect(stats.cov[j * d + k]).toBeCloseTo(c, 12);
      }
    }
  });

  it('keeps the digits of a small spread on a large float32 mean', () => {
    const data = Float32Array.of(1e4 + 0.5, 1e4 - 0.5, 1e4 + 0.5, 1e4 - 0.5);
    const stats = featureStats({ rows: 4, cols: 1, data });
    expect(stats.cov[0]).toBeCloseTo(1 / 3, 12);
  });

  it('needs two rows and finite values', () => {
    expect(() => featureStats({ rows: 1, cols: 2, data: Float32Array.of(1, 2) })).toThrow('featureStats: features needs at least 2 row(s), got 1');
    expect(() => featureStats({ rows: 2, cols: 1, data: Float32Array.of(1, Number.NaN) })).toThrow(
      'featureStats: features row 1, column 0 is NaN; features must be finite',
    );
  });
});

describe('fid', () => {
  it('of samples from N(0, I) and N(δ, 4I) in 4-d is near ‖δ‖² + 4·(2 − 1)², with its counts', () => {
    const rng = new Rng(11);
    const n = 20_000;
    const d = 4;
    const real = rng.normalArray(n * d);
    const fake = rng.normalArray(n * d).map((v, i) => 2 * v + (i % d === 0 ? 3 : 0));
    const result = fid({ rows: n, cols: d, data: real }, { rows: n, cols: d, data: fake });
    // Population value 9 + 4 = 13; the sampling error of the fitted moments at n = 20k is ~0.1.
    expect(result.value).toBeGreaterThan(12.7);
    expect(result.value).toBeLessThan(13.3);
    expect(result).toMatchObject({ nReal: n, nFake: n, dim: d, offset: 0 });
  });

  it('refuses feature sets of different widths', () => {
    const m = { rows: 2, cols: 2, data: new Float32Array(4) };
    expect(() => fid(m, { rows: 2, cols: 1, data: new Float32Array(2) })).toThrow('fid: feature widths differ: real has 2 columns, fake has 1');
  });
});
