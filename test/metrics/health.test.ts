import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { coverage, diversityHealth, overfittingHealth, periodicity, singularValues, type Points } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

const line = (...xs: number[]): Points => ({ data: Float64Array.from(xs), dim: 1 });
const REAL = line(0, 1, 2, 3, 4, 5, 6);

describe('diversityHealth', () => {
  it('G spread twice as wide as the data: both ratios 2, no duplicates, full coverage', () => {
    // Real 0..6: mean pairwise Σ d·(7−d)/21 = 56/21, every NN distance 1; the fakes 0, 2, …, 12 double all distances.
    const h = diversityHealth(REAL, line(0, 2, 4, 6, 8, 10, 12));
    expect(h.pairwiseRatio).toBeCloseTo(2, 12);
    expect(h.nnRatio).toBeCloseTo(2, 12);
    expect(h.duplicates).toBe(0);
    expect(h.duplicatesReal).toBe(0);
    expect(h.duplicateThreshold).toBeCloseTo(0.1, 12);
    expect(h.coverage).toBe(1);
    // Only the fake at 12 lies outside every real 5-NN ball: 6's radius 5 reaches 11, 5's radius 4 reaches 9.
    expect(h.precision).toBeCloseTo(6 / 7, 12);
  });

  it('G collapsed on one point: ratios near 0, every pair a duplicate, coverage only near the point', () => {
    // Six fakes at 0 and one at 0.05: pairwise mean 6·0.05/21 = 1/70; NN mean 0.05/7.
    const h = diversityHealth(REAL, line(0, 0, 0, 0, 0, 0, 0.05));
    expect(h.pairwiseRatio).toBeCloseTo(1 / 70 / (8 / 3), 12);
    expect(h.nnRatio).toBeCloseTo(0.05 / 7, 12);
    expect(h.duplicates).toBe(21);
    // 5-NN radii of 0..6 are 5, 4, 3, 3, 3, 4, 5: reals 0–3 reach a fake at 0 or 0.05, reals 4–6 do not.
    expect(h.coverage).toBeCloseTo(4 / 7, 12);
    expect(h.precision).toBe(1);
  });

  it('uses only the first `points` rows and refuses mismatched or tiny sets', () => {
    const h = diversityHealth(line(0, 1, 2, 3, 4, 5, 6, 100), line(0, 2, 4, 6, 8, 10, 12, -50), 7);
    expect(h.pairwiseRatio).toBeCloseTo(2, 12);
    expect(() => diversityHealth(REAL, { data: new Float64Array(14), dim: 2 })).toThrow(DataError);
    expect(() => diversityHealth(line(0, 1, 2), line(0, 1, 2))).toThrow(/at least 6 samples per set, got 3/);
  });

  it('a G that drops half of two well-separated clusters keeps NN diversity but halves coverage', () => {
    const rng = new Rng(3);
    const cluster = (n: number, c: number) => Array.from(rng.normalArray(n), (v) => c + 0.1 * v);
    const real = line(...cluster(200, 0), ...cluster(200, 10));
    const fake = line(...cluster(400, 0));
    const h = diversityHealth(real, fake, 400);
    expect(h.coverage).toBeGreaterThan(0.4);
    expect(h.coverage).toBeLessThan(0.55);
    // Twice the density in the kept cluster: NN distances about halve in 1-D, not collapse.
    expect(h.nnRatio).toBeGreaterThan(0.3);
    expect(h.nnRatio).toBeLessThan(0.8);
  });
});

describe('coverage', () => {
  it('counts a real sample covered when a fake lies inside its k-NN ball (k = 1 here)', () => {
    // 1-NN radii of 0, 1, 3 are 1, 1, 2; a fake at 2.5 is inside the balls of 3 (0.5 ≤ 2) and 1 (1.5 > 1: no).
    expect(coverage(line(0, 1, 3), line(2.5), 1)).toBeCloseTo(1 / 3, 12);
    expect(coverage(line(0, 1, 3), line(0.5, 2.5), 1)).toBeCloseTo(1, 12);
  });
});

describe('overfittingHealth', () => {
  it('r_t is the mean sign of the training logits and the gap the difference of means', () => {
    const h = overfittingHealth(Float32Array.of(2, 1, -1), Float32Array.of(0, 1));
    expect(h.rt).toBeCloseTo(1 / 3, 12);
    expect(h.gap).toBeCloseTo(2 / 3 - 1 / 2, 6);
  });

  it('a D that cannot tell gives r_t 0 and no gap; an empty set is refused', () => {
    const h = overfittingHealth([1, -1, 0, 2, -2], [0.5, -0.5]);
    expect(h.rt).toBe(0);
    expect(h.gap).toBeCloseTo(0, 12);
    expect(() => overfittingHealth([], [1])).toThrow(DataError);
  });
});

describe('singularValues', () => {
  it.each([
    ['a 3×2 diagonal', [3, 0, 0, 4, 0, 0], 3, 2, [4, 3]],
    ['a rank-1 2×2', [1, 2, 2, 4], 2, 2, [5, 0]],
    ['a 2×3 with orthogonal rows', [1, 1, 0, 0, 0, 2], 2, 3, [2, Math.SQRT2]],
    ['a rotation times diag(2, 0.5)', [2 * Math.cos(0.3), -0.5 * Math.sin(0.3), 2 * Math.sin(0.3), 0.5 * Math.cos(0.3)], 2, 2, [2, 0.5]],
  ])('%s', (_name, a, rows, cols, expected) => {
    const s = singularValues(a, rows, cols);
    expect(s.length).toBe(expected.length);
    s.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
  });

  it('matches Σσ² = ‖A‖²_F on a random 2×8 matrix', () => {
    const a = new Rng(5).normalArray(16);
    const s = singularValues(a, 2, 8);
    expect(s[0] ** 2 + s[1] ** 2).toBeCloseTo(Array.from(a).reduce((t, v) => t + v * v, 0), 4);
    expect(s[0]).toBeGreaterThanOrEqual(s[1]);
  });
});

describe('periodicity', () => {
  it('finds the period of a sine, also on a drifting baseline', () => {
    const sine = Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 25));
    const p = periodicity(sine);
    expect(p.period).toBe(25);
    // The biased ACF of a pure sine at lag L is about (n − L)/n = 0.875.
    expect(p.strength).toBeGreaterThan(0.84);
    expect(p.strength).toBeLessThan(0.9);
    const drifting = periodicity(sine.map((v, t) => v + 0.05 * t));
    expect(drifting.period).toBe(25);
    expect(drifting.strength).toBeGreaterThan(0.8);
  });

  it('gives white noise a weak strength and a too-short series none', () => {
    const noise = Array.from(new Rng(7).normalArray(400));
    expect(periodicity(noise).strength).toBeLessThan(0.25);
    expect(periodicity([1, 2, 3])).toEqual({ strength: 0 });
    expect(periodicity(Array(50).fill(1))).toEqual({ strength: 0 });
  });
});
