import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { randomDirections, slicedWasserstein, wasserstein1d, type Points } from '../../src/metrics/index.ts';
import { Rng } from '../../src/tensor/rng.ts';

/** Φ of the standard normal, with erf by the midpoint rule (ample for a test constant). */
function normalCdf(x: number): number {
  const z = x / Math.SQRT2;
  const steps = 2000;
  let s = 0;
  for (let k = 0; k < steps; k++) {
    const t = ((k + 0.5) / steps) * z;
    s += Math.exp(-t * t);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * (s * z) / steps);
}

/** ∫ √(Φ(x)(1 − Φ(x))) dx over the real line (≈ 1.6147), by the midpoint rule on [−10, 10]. */
const SPREAD = (() => {
  const h = 0.01;
  let total = 0;
  for (let x = -10 + h / 2; x < 10; x += h) {
    const F = normalCdf(x);
    total += Math.sqrt(Math.max(0, F * (1 - F))) * h;
  }
  return total;
})();

describe('wasserstein1d', () => {
  it.each([
    [[0, 1], [2, 3], 2],
    [[3, 0], [1, 2], 0.5 * (1 + 1)], // sorted pairing: |0 − 1| and |3 − 2|
    [[0], [1, 3], 2], // a point mass against two: E|Y − 0|
    [[0, 1], [0, 0.5, 1], 1 / 6], // ∫|F − G|: two steps of height 1/6, width 1/2
    [[0, 0, 1, 1], [0, 1], 0],
    [[5], [5], 0],
  ])('of %j and %j is %f', (a, b, w) => {
    expect(wasserstein1d(a, b)).toBeCloseTo(w, 14);
    expect(wasserstein1d(b, a)).toBeCloseTo(w, 14);
  });

  it('equals the mean |a₍ᵢ₎ − b₍ᵢ₎| of sorted samples for equal sizes', () => {
    const rng = new Rng(1);
    const a = Float64Array.from(rng.normalArray(1000));
    const b = Float64Array.from(rng.normalArray(1000, 0.3, 2));
    const as = a.slice().sort();
    const bs = b.slice().sort();
    let direct = 0;
    for (let i = 0; i < 1000; i++) direct += Math.abs(as[i] - bs[i]) / 1000;
    expect(wasserstein1d(a, b)).toBeCloseTo(direct, 12);
  });

  it('is 0 between a set and the same set repeated (unequal sizes), and |μ| for an exact shift', () => {
    const a = Float64Array.from(new Rng(2).normalArray(777));
    const twice = new Float64Array(3 * 777);
    twice.set(a, 0);
    twice.set(a, 777);
    twice.set(a, 1554);
    expect(wasserstein1d(a, twice)).toBeCloseTo(0, 12);
    expect(wasserstein1d(a, a.map((x) => x - 1.75))).toBeCloseTo(1.75, 10);
    expect(wasserstein1d(twice, a.map((x) => x + 0.5))).toBeCloseTo(0.5, 10);
  });

  it('of two samples of N(0,1) is the finite-sample bias E ≈ √(4/(πn)) ∫√(Φ(1−Φ)), not 0', () => {
    // F_n − G_n at x is about N(0, 2Φ(1−Φ)/n), so E|F_n − G_n| = √(4Φ(1−Φ)/(πn)); integrate over x.
    // n·W1² has a non-degenerate limit whose relative spread is about a third (400 seeds all fell
    // within 0.4–2.4 times the mean), so [E/4, 4E] fails only for a broken estimator.
    const n = 20_000;
    const rng = new Rng(3);
    const expected = Math.sqrt(4 / (Math.PI * n)) * SPREAD;
    expect(SPREAD).toBeCloseTo(1.61474, 4);
    const w = wasserstein1d(rng.normalArray(n), rng.normalArray(n));
    expect(w).toBeGreaterThan(expected / 4);
    expect(w).toBeLessThan(4 * expected);
  });

  it.each([0.5, 1.5, -3])('of N(0,1) and N(%f,1) samples is |μ| within the two sets’ sampling error', (mu) => {
    // Lower: W1 ≥ |mean(b) − mean(a)| exactly, and that mean difference is |μ| ± 5√(2/n).
    // Upper: triangle inequality, W1 ≤ |μ| + W1(F_n, F) + W1(G_n, G), each about √(2/(πn)) ∫√(Φ(1−Φ)).
    const n = 20_000;
    const rng = new Rng(4 + mu);
    const w = wasserstein1d(rng.normalArray(n), rng.normalArray(n, mu));
    expect(w).toBeGreaterThan(Math.abs(mu) - 5 * Math.sqrt(2 / n));
    expect(w).toBeLessThan(Math.abs(mu) + 4 * 2 * Math.sqrt(2 / (Math.PI * n)) * SPREAD);
  });

  it('refuses empty and non-finite input', () => {
    expect(() => wasserstein1d([], [1])).toThrow(DataError);
    expect(() => wasserstein1d([0, Infinity], [1])).toThrow(/finite/);
  });
});

describe('slicedWasserstein', () => {
  function shifted(n: number, shift: readonly number[], rng: Rng): Points {
    const data = rng.normalArray(n * shift.length);
    for (let i = 0; i < n; i++) shift.forEach((s, t) => (data[i * shift.length + t] += s));
    return { data, dim: shift.length };
  }

  it('is the 1-D W1 for 1-D points (every direction is ±1)', () => {
    const rng = new Rng(5);
    const a = rng.normalArray(500);
    const b = rng.normalArray(300, 1, 2);
    expect(slicedWasserstein({ data: a, dim: 1 }, { data: b, dim: 1 }, { rng: new Rng(6), projections: 7 })).toBeCloseTo(wasserstein1d(a, b), 10);
  });

  it('of a shift μ in 2-D is mean|u·Δ| over its own directions, just above it', () => {
    // W1 ≥ |difference of the projected means| on every direction, with equality up to where the
    // projected CDFs cross — only in the far tails for a shift this large against √(1/n) noise.
    const n = 2000;
    const rng = new Rng(7);
    const a = shifted(n, [0, 0], rng);
    const b = shifted(n, [1.2, 1.6], rng);
    const directions = randomDirections(2, 400, new Rng(8));
    const delta = [0, 1].map((t) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += b.data[2 * i + t] - a.data[2 * i + t];
      return s / n;
    });
    let lower = 0;
    for (let r = 0; r < 400; r++) lower += Math.abs(directions.data[2 * r] * delta[0] + directions.data[2 * r + 1] * delta[1]) / 400;
    const w = slicedWasserstein(a, b, { directions });
    expect(w).toBeGreaterThanOrEqual(lower - 1e-12);
    expect(w - lower).toBeLessThan(0.01);
  });

  it('of a shift μ in 2-D is |μ|·E|cos θ| = 2|μ|/π over random directions, within 5 Monte Carlo sds', () => {
    // For θ uniform, sd(|cos θ|) = √(½ − 4/π²) = 0.308, so the mean over P directions has sd
    // 0.308·|μ|/√P; the finite samples move each projected W1 by about √(2/n) at most.
    const n = 500;
    const P = 2000;
    const mu = 2;
    const rng = new Rng(9);
    const w = slicedWasserstein(shifted(n, [0, 0], rng), shifted(n, [1.2, 1.6], rng), { rng: new Rng(10), projections: P });
    const sd = (Math.sqrt(0.5 - 4 / Math.PI ** 2) * mu) / Math.sqrt(P);
    expect(Math.abs(w - (2 * mu) / Math.PI)).toBeLessThan(5 * sd + 5 * Math.sqrt(2 / n));
  });

  it('is deterministic for a seed and refuses mismatched dims', () => {
    const rng = new Rng(11);
    const a = shifted(200, [0, 0, 0], rng);
    const b = shifted(200, [1, 0, 0], rng);
    expect(slicedWasserstein(a, b, { rng: new Rng(12) })).toBe(slicedWasserstein(a, b, { rng: new Rng(12) }));
    expect(() => slicedWasserstein(a, { data: Float32Array.of(0, 0), dim: 2 }, { rng })).toThrow(/different dims/);
    expect(() => slicedWasserstein(a, b, { directions: randomDirections(2, 3, rng) })).toThrow(/directions are 2-D/);
  });

  it('draws unit directions', () => {
    const d = randomDirections(5, 50, new Rng(13));
    for (let r = 0; r < 50; r++) {
      let s = 0;
      for (let t = 0; t < 5; t++) s += d.data[r * 5 + t] ** 2;
      expect(s).toBeCloseTo(1, 12);
    }
  });
});
